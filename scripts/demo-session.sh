#!/usr/bin/env bash
# A scripted WebSocket session for the README: starts `wslab serve --port 0`,
# reads the port from its first line, runs `wslab client` with a few messages
# (one line per frame: "> sent", "< received", "closed: CODE NAME"), then
# stops the server with SIGTERM and shows its log.
# Usage: scripts/demo-session.sh [path/to/wslab]
set -euo pipefail
cd "$(dirname "$0")/.."

wslab="${1:-}"
if [[ -z "$wslab" ]]; then
  for candidate in build/release/bin/wslab build/dev/bin/wslab; do
    if [[ -x "$candidate" ]]; then wslab="$candidate"; break; fi
  done
fi
if [[ -z "$wslab" || ! -x "$wslab" ]]; then
  echo "demo-session: no wslab binary found; build one (make build-release) or pass its path" >&2
  exit 2
fi

work="$(mktemp -d)"
"$wslab" serve --port 0 >"$work/serve.out" 2>"$work/serve.err" &
server=$!
cleanup() {
  if kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

url=""
for _ in $(seq 50); do  # up to 5 s for "listening on ws://127.0.0.1:PORT/"
  url="$(sed -n 's|^listening on \(ws://[^ ]*\)$|\1|p' "$work/serve.out" | head -n 1)"
  [[ -n "$url" ]] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
if [[ -z "$url" ]]; then
  echo "demo-session: the server did not start:" >&2
  cat "$work/serve.err" >&2
  exit 1
fi

echo "\$ wslab serve --port 0"
cat "$work/serve.out"
echo
echo "\$ printf 'Hello, WebSocket!\\nsecond message\\nünïcödé ✓\\n' | wslab client $url"
printf 'Hello, WebSocket!\nsecond message\nünïcödé ✓\n' | "$wslab" client "$url"
echo
echo "\$ echo 'raw bytes' | wslab client --binary ${url}binary"
echo 'raw bytes' | "$wslab" client --binary "${url}binary"
echo
echo "\$ kill -TERM <server>"
kill -TERM "$server"
status=0
wait "$server" || status=$?
echo "server exited with status $status; its log (stderr):"
sed 's/^/  /' "$work/serve.err"
