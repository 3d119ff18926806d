#!/usr/bin/env bash
# Every test: the dev build's ctest, then the ASan+UBSan build's ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-$(nproc)}"
for preset in dev asan; do
  echo "==> [$preset] configure"
  cmake --preset "$preset" >/dev/null
  echo "==> [$preset] build"
  cmake --build --preset "$preset" -j "$JOBS"
  echo "==> [$preset] ctest"
  ctest --preset "$preset" -j "$JOBS"
done
echo "==> all tests passed"
