#!/bin/sh
# Dissects a capture with tshark and compares the -T fields output with an expected file.
#
#   tshark_check.sh PLUGIN LUA CAPTURE EXPECTED [tshark options...]
#
# PLUGIN: a wslab.so to load (or "none"); LUA: a Lua dissector to load with -X lua_script: (or
# "none"). The options (display filter -Y, -e fields, -o preferences, ...) are passed to tshark.
# Exit 0 when the output equals EXPECTED, 1 when it differs or tshark fails, 77 (skip) when tshark
# is not installed. WSLAB_UPDATE_EXPECTED=1 rewrites EXPECTED with the actual output instead.
# EXPECTED "robust" compares nothing: the run must only be free of exceptions in our protocols
# ("Malformed Packet: WSLAB"), dissector bugs and Lua errors (for corrupted captures).
#
# Why the staging: as root, Wireshark ignores WIRESHARK_PLUGIN_DIR and personal plugin folders,
# so under root tshark runs as user nobody (setpriv) on world-readable copies in a temporary
# directory. WIRESHARK_PLUGIN_DIR replaces the global plugin folder, so only the plugin under test
# loads. A plugin that fails to load only earns a warning from tshark; the -Y filter and -e fields
# name the plugin's fields, which makes tshark fail (exit 1 or 2) when they are unknown.
set -eu
plugin=$1 lua=$2 capture=$3 expected=$4
shift 4

command -v tshark >/dev/null 2>&1 || { echo "SKIP: tshark is not installed"; exit 77; }
version=$(tshark -v 2>/dev/null)
abi=$(echo "$version" | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\)\..*/\1/p')
[ -n "$abi" ] || { echo "FAIL: cannot read tshark's version"; exit 1; }
if [ "$lua" != none ] && ! echo "$version" | tr '\n' ' ' | grep -q 'with Lua'; then
  echo "SKIP: this tshark was built without Lua"; exit 77
fi

stage=$(mktemp -d /tmp/wslab-tshark.XXXXXX)
trap 'rm -rf "$stage"' EXIT INT TERM
mkdir -p "$stage/plugins/$abi/epan" "$stage/home"
if [ "$plugin" != none ]; then cp "$plugin" "$stage/plugins/$abi/epan/wslab.so"; fi
cp "$capture" "$stage/capture.pcapng"
set --  -n -r "$stage/capture.pcapng" "$@"
if [ "$lua" != none ]; then
  cp "$lua" "$stage/twin.lua"
  set -- -X "lua_script:$stage/twin.lua" "$@"
fi
chmod -R a+rX "$stage"

as_nobody() {  # setpriv (util-linux) or, failing that, runuser
  if command -v setpriv >/dev/null 2>&1; then
    setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups -- "$@"
  else
    runuser -u nobody -- "$@"
  fi
}

run_tshark() {
  if [ "$(id -u)" = 0 ]; then
    as_nobody env -i PATH="$PATH" HOME="$stage/home" WIRESHARK_PLUGIN_DIR="$stage/plugins" tshark "$@"
  else
    env -i PATH="$PATH" HOME="$stage/home" WIRESHARK_PLUGIN_DIR="$stage/plugins" tshark "$@"
  fi
}

echo "tshark $*" | sed "s|$stage|<stage>|g"
rc=0
run_tshark "$@" >"$stage/actual.tsv" 2>"$stage/stderr" || rc=$?
if [ "$rc" != 0 ]; then
  echo "FAIL: tshark exited with $rc. (Exit 1 or 2 with an unknown wslab field or filter means the"
  echo "plugin or the Lua script did not load.) tshark said:"
  cat "$stage/stderr"
  exit 1
fi
if [ "$expected" = robust ]; then
  if grep -n -m5 -E 'Malformed Packet: WSLAB|Dissector bug|Lua Error|wslab.*(assert|Exception)' \
       "$stage/actual.tsv" "$stage/stderr"; then
    echo "FAIL: an exception or error in the wslab dissectors (lines above)"
    exit 1
  fi
  echo "OK: $(grep -c '^Frame ' "$stage/actual.tsv") packets dissected without a wslab exception"
  exit 0
fi
if [ "${WSLAB_UPDATE_EXPECTED:-0}" = 1 ]; then
  cp "$stage/actual.tsv" "$expected"
  echo "updated $expected"
  exit 0
fi
if ! diff -u "$expected" "$stage/actual.tsv"; then
  echo "FAIL: the dissection differs from $expected (- expected, + actual); tshark said:"
  cat "$stage/stderr"
  exit 1
fi
echo "OK: $(wc -l <"$expected") lines as expected"
