#!/bin/sh
# render_docs.sh PLUGIN: rewrites docs/img/dissector-rooms.txt and docs/img/dissector-rfc6455.txt,
# the "screenshots" of the dissector (tshark output of the fixtures, as the README shows them), and,
# when chromium is installed, docs/img/dissector-rooms.png (the same text rendered by headless
# chromium: there is no Wireshark GUI on the build machines).
#   dissector/tests/render_docs.sh build/dev/plugins/4.0/epan/wslab.so
set -eu
plugin=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
abi=$(tshark -v 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\)\..*/\1/p')
stage=$(mktemp -d /tmp/wslab-render.XXXXXX)
trap 'rm -rf "$stage"' EXIT INT TERM
mkdir -p "$stage/plugins/$abi/epan" "$stage/home"
cp "$plugin" "$stage/plugins/$abi/epan/wslab.so"
cp "$root"/dissector/fixtures/*.pcapng "$stage/"
chmod -R a+rX "$stage"

ts() {  # tshark as in the README, on the staged copies (as nobody when root: see tshark_check.sh)
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups -- \
      env -i PATH="$PATH" HOME="$stage/home" WIRESHARK_PLUGIN_DIR="$stage/plugins" tshark "$@"
  else
    env -i PATH="$PATH" HOME="$stage/home" WIRESHARK_PLUGIN_DIR="$stage/plugins" tshark "$@"
  fi 2>/dev/null | sed 's/ *$//'
}

rooms=$stage/rooms-session.pcapng
v=$stage/rfc6455-violations.pcapng
{
  echo '$ tshark -r dissector/fixtures/rooms-session.pcapng --enable-heuristic websocket_tcp -Y wslab'
  ts -r "$rooms" --enable-heuristic websocket_tcp -Y wslab
  echo
  echo '$ tshark -r dissector/fixtures/rooms-session.pcapng -O wslab -Y "frame.number in {24, 43, 51}"'
  ts -r "$rooms" -O wslab -Y 'frame.number in {24, 43, 51}' | grep -v '^Packet comments'
} >"$root/docs/img/dissector-rooms.txt"
{
  echo '$ tshark -r dissector/fixtures/rfc6455-violations.pcapng -Y "wslab6455 && tcp.stream == 0"'
  ts -r "$v" -Y 'wslab6455 && tcp.stream == 0'
  echo
  echo '$ tshark -r dissector/fixtures/rfc6455-violations.pcapng -O websocket,wslab6455 -Y "frame.number in {15, 18}"'
  ts -r "$v" -O websocket,wslab6455 -Y 'frame.number in {15, 18}' | grep -v '^Packet comments'
} >"$root/docs/img/dissector-rfc6455.txt"
echo "wrote $root/docs/img/dissector-rooms.txt and dissector-rfc6455.txt"

command -v chromium >/dev/null 2>&1 || { echo "no chromium: PNG not rendered"; exit 0; }
esc() { sed 's/&/\&amp;/g; s/</\&lt;/g'; }
{
  echo '<!doctype html><meta charset="utf-8"><style>'
  echo 'body{margin:0;font:13px/1.35 "DejaVu Sans Mono",monospace}'
  echo '.bar{background:#3c6eb4;color:#fff;padding:4px 10px;font-family:"DejaVu Sans",sans-serif}'
  echo 'pre{margin:0;padding:8px 10px}.list{background:#f4f7fb;border-bottom:1px solid #aab}</style>'
  echo '<div class="bar">tshark -r rooms-session.pcapng -Y wslab (wslab plugin, Wireshark 4.0)</div>'
  echo '<pre class="list">'
  ts -r "$rooms" -Y 'wslab && frame.number >= 20 && frame.number <= 38' | esc
  echo '</pre><div class="bar">tshark -r rooms-session.pcapng -O wslab,wslab6455 -Y "frame.number == 51"</div><pre>'
  ts -r "$rooms" -O wslab,wslab6455 -Y 'frame.number == 51' | grep -v '^Packet comments' | esc
  echo '</pre>'
} >"$stage/rooms.html"
timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --user-data-dir="$stage/chromium" --window-size=1000,760 \
  --screenshot="$root/docs/img/dissector-rooms.png" "file://$stage/rooms.html" >/dev/null 2>&1
echo "wrote $root/docs/img/dissector-rooms.png"
