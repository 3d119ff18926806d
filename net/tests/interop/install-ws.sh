#!/bin/sh
# Installs npm's ws@8 into the build tree (the interop tests' fixture).
# Usage: install-ws.sh NPM PREFIX. Fails loudly: the npm registry is reachable in CI.
set -eu
npm="$1"
prefix="$2"
if [ -f "$prefix/node_modules/ws/package.json" ] &&
   grep -q '"version": "8\.' "$prefix/node_modules/ws/package.json"; then
  echo "ws already installed in $prefix: $(grep '"version"' "$prefix/node_modules/ws/package.json")"
  exit 0
fi
mkdir -p "$prefix"
echo "installing ws@8 into $prefix"
"$npm" install --prefix "$prefix" --no-audit --no-fund --no-save ws@8
test -f "$prefix/node_modules/ws/package.json"
