#!/bin/sh
# Installs npm's playwright-core into the build tree (never the source tree).
# playwright-core is the driver only: it downloads no browser; the tests use
# Debian's /usr/bin/chromium. Usage: install-playwright.sh NPM PREFIX PACKAGE_JSON
set -eu
npm=$1
prefix=$2
package_json=$3
if [ -f "$prefix/node_modules/playwright-core/package.json" ]; then
  echo "playwright-core already in $prefix/node_modules"
  exit 0
fi
mkdir -p "$prefix"
cp "$package_json" "$prefix/package.json"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 "$npm" install --prefix "$prefix" --no-save --no-package-lock \
  --no-audit --no-fund playwright-core@1
test -f "$prefix/node_modules/playwright-core/package.json"
echo "installed playwright-core into $prefix/node_modules"
