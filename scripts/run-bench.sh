#!/usr/bin/env bash
# `make bench`: builds the benchmark binaries in a Release tree and runs
# `wslab bench`, which writes Google Benchmark JSON to <build>/bench-results,
# renders the tables into docs/results.md and the gnuplot plots into
# docs/results/*.svg.
#   BUILD=build/release  the Release build tree (default: the release preset)
#   SCALE=1              duration multiplier (1: a few minutes; 0.2: a quick look)
#   ONLY=servers|transports   run one part
# The transport benchmark's delayed link uses a network namespace and netem:
# it needs root (otherwise those scenarios are reported as skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/release}
SCALE=${SCALE:-1}
JOBS=${JOBS:-$(nproc)}
if [[ ! -f "$BUILD/CMakeCache.txt" ]]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
echo "==> building the benchmarks in $BUILD"
cmake --build "$BUILD" --target wslab wslab-refpeer wslab_bench_servers wslab_bench_transports -j "$JOBS"
echo "==> machine: $(nproc) cores, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"
args=(bench --scale "$SCALE" --docs docs)
[[ -n "${ONLY:-}" ]] && args+=(--only "$ONLY")
exec "$BUILD/bin/wslab" "${args[@]}" "$@"
