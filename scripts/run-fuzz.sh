#!/usr/bin/env bash
# Runs wslab's libFuzzer targets (fuzz/, docs/fuzzing.md).
#   scripts/run-fuzz.sh [TARGET] [SECONDS]      (make fuzz TARGET=frame SECONDS=60)
# TARGET empty: every target. SECONDS: per target (default 60).
# Configures and builds the `fuzz` preset (clang-14, libFuzzer, ASan+UBSan, build/fuzz),
# building only the fuzz targets, then runs each target with its seed corpus and
# dictionary. New coverage goes to build/fuzz/corpus/<target>/ (the seeds in
# fuzz/corpus/ are never modified); crashing inputs are kept in
# build/fuzz/artifacts/<target>/. Exits non-zero on any crash, printing the
# command that reproduces it.
# Environment:
#   FUZZ_JOBS        targets run side by side (default: min(nproc, 2))
#   FUZZ_BUILD_DIR   another build directory (configured with the fuzz preset's settings)
#   FUZZ_ARGS        extra libFuzzer flags, e.g. "-max_len=256"
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
root=$(pwd)

# Everything runs inside main, parsed in full before it starts: editing this file
# while a long run is going cannot change what that run does.
main() {

  target="${1:-}"
  secs="${2:-}"
  # `make fuzz SECONDS=30` without TARGET passes only the number.
  if [[ -z "$secs" && "$target" =~ ^[0-9]+$ ]]; then
    secs=$target
    target=""
  fi
  [[ -z "$secs" ]] && secs=60
  if ! [[ "$secs" =~ ^[0-9]+$ ]] || (( secs < 1 )); then
    echo "run-fuzz.sh: SECONDS must be a positive whole number, got '$secs'" >&2
    exit 2
  fi

  jobs="${FUZZ_JOBS:-$(nproc)}"
  (( jobs > 2 )) && jobs=2
  (( jobs < 1 )) && jobs=1

  if ! command -v clang++-14 >/dev/null; then
    echo "run-fuzz.sh: clang++-14 is needed for libFuzzer (scripts/install-deps.sh build)" >&2
    exit 2
  fi

  # --- configure and build only the fuzz targets
  if [[ -n "${FUZZ_BUILD_DIR:-}" ]]; then
    build="$FUZZ_BUILD_DIR"
    echo "==> [fuzz] configure $build"
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14 \
      -DWSLAB_FUZZ=ON -DWSLAB_SANITIZE=ON -DWSLAB_MUTANTS=OFF >"$build.configure.log" 2>&1 ||
      { cat "$build.configure.log" >&2; exit 2; }
  else
    build="$root/build/fuzz"
    echo "==> [fuzz] configure (preset fuzz)"
    mkdir -p "$build"
    cmake --preset fuzz >"$build/configure.log" 2>&1 || { cat "$build/configure.log" >&2; exit 2; }
  fi
  echo "==> [fuzz] build the fuzz targets"
  start=$(date +%s)
  if ! cmake --build "$build" --target wslab_fuzz_targets -j "$(nproc)" >"$build/fuzz-build.log" 2>&1; then
    grep -E "error|FAILED" "$build/fuzz-build.log" | head -40 >&2
    echo "run-fuzz.sh: build failed (full log: $build/fuzz-build.log)" >&2
    exit 2
  fi
  echo "    built in $(( $(date +%s) - start )) s"

  bindir="$build/bin/fuzz"
  all=()
  for exe in "$bindir"/wslab-fuzz-*; do
    name=${exe##*/wslab-fuzz-}
    [[ "$name" == "seeds" ]] && continue
    all+=("$name")
  done
  if [[ -n "$target" ]]; then
    if [[ ! -x "$bindir/wslab-fuzz-$target" ]]; then
      echo "run-fuzz.sh: no fuzz target '$target'; targets: ${all[*]}" >&2
      exit 2
    fi
    targets=("$target")
  else
    targets=("${all[@]}")
  fi

  # Largest input libFuzzer builds, per target (bigger inputs cost time, rarely coverage).
  max_len_for() {
    case "$1" in
      close) echo 256 ;;
      utf8 | request | response | rooms) echo 4096 ;;
      frame | session) echo 8192 ;;
      *) echo 16384 ;;
    esac
  }

  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

  run_one() {
    local t=$1
    local work="$build/corpus/$t" artifacts="$build/artifacts/$t" log="$build/logs/$t.log"
    mkdir -p "$work" "$artifacts" "$(dirname "$log")"
    local dict=()
    [[ -f "$root/fuzz/dict/$t.dict" ]] && dict=("-dict=$root/fuzz/dict/$t.dict")
    # shellcheck disable=SC2086
    "$bindir/wslab-fuzz-$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -max_len="$(max_len_for "$t")" -print_final_stats=1 "${dict[@]}" \
      -artifact_prefix="$artifacts/" ${FUZZ_ARGS:-} "$work" "$root/fuzz/corpus/$t" >"$log" 2>&1
    echo $? >"$log.rc"
  }

  echo "==> [fuzz] running ${#targets[@]} target(s) for $secs s each, $jobs at a time"
  mkdir -p "$build/logs"
  stamp="$build/logs/.run-start"
  touch "$stamp"
  running=0
  for t in "${targets[@]}"; do
    run_one "$t" &
    running=$((running + 1))
    if (( running >= jobs )); then
      wait -n
      running=$((running - 1))
    fi
  done
  wait

  # --- summary
  failed=0
  printf '%-10s %12s %8s %8s %8s  %s\n' target execs cov ft corpus result
  for t in "${targets[@]}"; do
    log="$build/logs/$t.log"
    rc=$(cat "$log.rc" 2>/dev/null || echo 1)
    execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.*corp: \([0-9]*\).*/\1/p' <<<"$last")
    result="ok"
    # Only this run's artifacts: older ones stay for reference but do not fail the run.
    crash=$(find "$build/artifacts/$t" -type f -newer "$stamp" \( -name 'crash-*' -o -name 'leak-*' \
      -o -name 'timeout-*' -o -name 'oom-*' \) 2>/dev/null | head -1)
    if [[ "$rc" != 0 || -n "$crash" ]]; then
      result="CRASH (log: $log)"
      failed=1
    fi
    printf '%-10s %12s %8s %8s %8s  %s\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result"
    if [[ "$result" != ok ]]; then
      grep -E 'wslab fuzz: invariant|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|check:' "$log" |
        head -5 | sed 's/^/    /'
      if [[ -n "$crash" ]]; then
        echo "    reproduce: $bindir/wslab-fuzz-$t $crash"
        echo "    once fixed, keep it as a regression test: cp $crash $root/fuzz/corpus/$t/regress-<what>"
      fi
    fi
  done
  if (( failed )); then
    echo "==> [fuzz] FAILED: a target crashed or broke an invariant" >&2
    exit 1
  fi
  echo "==> [fuzz] no crash"
}

main "$@"
exit $?
