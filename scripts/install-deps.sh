#!/usr/bin/env bash
# Installs the Debian packages wslab needs, and nothing when all are present.
# Usage: scripts/install-deps.sh [build|test]   (default: build)
#   build: compilers, CMake, and the libraries the wslab binary links.
#   test:  build + what the test suite drives for real (Node's ws, chromium,
#          tshark/wireshark-dev, redis, gnuplot).
set -euo pipefail
profile="${1:-build}"

build_pkgs=(cmake ninja-build g++ clang-14 libclang-rt-14-dev clang-format-14 pkg-config make patch
  libssl-dev libgtest-dev libgmock-dev libbenchmark-dev libwebsockets-dev
  nlohmann-json3-dev libcli11-dev libtomlplusplus-dev libpcap-dev)
test_pkgs=(nodejs npm tshark wireshark-dev chromium redis-server libhiredis-dev gnuplot-nox)

case "$profile" in
  build) want=("${build_pkgs[@]}") ;;
  test) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  *) echo "install-deps: unknown profile '$profile' (expected build or test)" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    # A package may be satisfied by a tool already on PATH (node/npm from another source).
    case "$p" in
      nodejs) command -v node >/dev/null && continue ;;
      npm) command -v npm >/dev/null && continue ;;
    esac
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#want[@]} packages for '$profile' are present"
  exit 0
fi

echo "install-deps: installing ${#missing[@]} missing package(s): ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections || true
if ! $SUDO apt-get install -y --no-install-recommends "${missing[@]}"; then
  echo "install-deps: apt-get install failed; refreshing the package index and retrying" >&2
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
echo "install-deps: done"
