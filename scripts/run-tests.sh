#!/usr/bin/env bash
# Every test, in the order a failure is cheapest to find:
#   1. dev preset: build everything, run every ctest test (unit, interop with npm's ws,
#      calibration of the harness, labs both ways, mutants, tshark, browser E2E, bench smoke).
#   2. asan preset (ASan+UBSan): build the wslab binary and the unit-test binaries of
#      core, net, rooms (with its Redis tests), refpeer, harness and quiz, and run their
#      tests (all but the labels that only repeat step 1's heavy end-to-end work).
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
ASAN_TARGETS=(wslab wslab_core_tests wslab_net_tests wslab_rooms_tests wslab_refpeer_tests
  wslab_harness_tests wslab_quiz_tests wslab_lessons_check)
# Rooms across instances (hiredis + redis-server): its in-process tests too, when configured.
if cmake --build --preset asan --target help | grep -q '^wslab_rooms_redis_tests:'; then
  ASAN_TARGETS+=(wslab_rooms_redis_tests)
fi
stage "asan: build ${ASAN_TARGETS[*]}"
cmake --build --preset asan -j "$JOBS" --target "${ASAN_TARGETS[@]}"
stage "asan: ctest (unit tests of core, net, rooms, refpeer, harness, quiz)"
ctest --preset asan -j "$JOBS" --timeout 300 -R '^(Core|Net|Rooms|Refpeer|Harness|Quiz)' \
  -LE 'slow|interop|calibration|mutants|labs|e2e|tshark|bench-smoke'


if [ -x scripts/run-fuzz.sh ]; then
  stage "fuzz: every target for ${WSLAB_FUZZ_SECONDS:-20} s"
  scripts/run-fuzz.sh "" "${WSLAB_FUZZ_SECONDS:-20}"
fi
stage "all tests passed"
