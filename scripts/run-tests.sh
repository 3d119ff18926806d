#!/usr/bin/env bash
# Every test, in the order a failure is cheapest to find:
#   1. dev preset: build everything, run every ctest test (unit, interop with npm's ws,
#      calibration of the harness, labs both ways, mutants, tshark, browser E2E, bench smoke).
#   2. asan preset (ASan+UBSan): build everything, run every test except the ones
#      labelled slow (they are covered by step 1 and only repeat heavy work).
#   3. fuzz preset (clang-14 + libFuzzer): every fuzz target for a bounded time.
# Set WSLAB_FUZZ_SECONDS (default 20) to change the per-target fuzzing time.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-$(nproc)}"
t0=$SECONDS
stage() { echo; echo "==> [$(( (SECONDS - t0) / 60 ))m$(( (SECONDS - t0) % 60 ))s] $*"; }

stage "dev: configure"
cmake --preset dev >/dev/null
stage "dev: build"
cmake --build --preset dev -j "$JOBS"
stage "dev: ctest (every test)"
ctest --preset dev -j "$JOBS" --timeout 300

stage "asan: configure"
cmake --preset asan >/dev/null
stage "asan: build"
cmake --build --preset asan -j "$JOBS"
stage "asan: ctest (all but label 'slow')"
ctest --preset asan -j "$JOBS" --timeout 300 -LE slow

if [ -x scripts/run-fuzz.sh ]; then
  stage "fuzz: every target for ${WSLAB_FUZZ_SECONDS:-20} s"
  scripts/run-fuzz.sh "" "${WSLAB_FUZZ_SECONDS:-20}"
fi
stage "all tests passed"
