#!/usr/bin/env bash
# Lab 6's checker for a server in any language: starts a throw-away redis-server
# (loopback, a free port, nothing on disk), N instances of YOUR server, and runs
# `wslab conform --lab 6` with member k on instance k mod N. Stops them all when
# it ends (also on Ctrl-C). Exit status: wslab conform's (0 = every case passed),
# 2 when something could not start.
#
#   labs/06-scale-out/check-cluster.sh [options] -- COMMAND...
#
# COMMAND starts one instance; these words are replaced in it:
#   {port}   the TCP port this instance must listen on (127.0.0.1)
#   {redis}  the Redis URL, redis://127.0.0.1:PORT
#   {n}      the instance number, 1..N
# Options:
#   --instances N        how many instances (default 3)
#   --wslab PATH         the wslab binary (default: wslab on PATH, else tools/bin/wslab, the
#                        grader of a student repository, else build/*/bin/wslab)
#   --redis-server PATH  the redis-server binary (default: redis-server on PATH)
#   --logs DIR           keep each instance's output in DIR/instance-K.log (default: a temp dir,
#                        printed when a check fails)
#   --conform ARG        one more argument for wslab conform (repeatable), e.g. --conform --report
#                        --conform /tmp/lab6
#
# Example (the reference):
#   labs/06-scale-out/check-cluster.sh -- wslab serve --rooms --port {port} --redis {redis}
set -euo pipefail

usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "check-cluster: $*" >&2; exit 2; }

instances=3
wslab=""
redis_server=""
logs=""
conform_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --instances) [ $# -ge 2 ] || die "--instances needs a number"; instances="$2"; shift 2 ;;
    --wslab) [ $# -ge 2 ] || die "--wslab needs a path"; wslab="$2"; shift 2 ;;
    --redis-server) [ $# -ge 2 ] || die "--redis-server needs a path"; redis_server="$2"; shift 2 ;;
    --logs) [ $# -ge 2 ] || die "--logs needs a directory"; logs="$2"; shift 2 ;;
    --conform) [ $# -ge 2 ] || die "--conform needs an argument"; conform_args+=("$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    *) die "unknown option '$1' (the server's command goes after --; see --help)" ;;
  esac
done
[ $# -gt 0 ] || die "no server command after -- (see --help)"
[[ "$instances" =~ ^[1-9][0-9]*$ ]] || die "--instances must be a positive number, got '$instances'"
case "$*" in *"{port}"*) ;; *) die "the server command must contain {port} (where it listens)" ;; esac

here="$(cd "$(dirname "$0")/../.." && pwd)"
if [ -z "$wslab" ]; then
  wslab="$(command -v wslab || true)"
  for b in "$here"/tools/bin/wslab "$here"/build/release/bin/wslab "$here"/build/dev/bin/wslab; do
    [ -n "$wslab" ] && break
    [ -x "$b" ] && wslab="$b"
  done
fi
[ -n "$wslab" ] && [ -x "$wslab" ] || die "no wslab binary (build it, or pass --wslab PATH)"
[ -n "$redis_server" ] || redis_server="$(command -v redis-server || true)"
[ -n "$redis_server" ] && [ -x "$redis_server" ] ||
  die "no redis-server (apt-get install redis-server, or pass --redis-server PATH)"

if [ -z "$logs" ]; then logs="$(mktemp -d /tmp/wslab-cluster.XXXXXX)"; fi
mkdir -p "$logs" || die "cannot create $logs"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port nobody listens on now (the instance or Redis binds it right after).
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
used_ports=" "
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if [[ "$used_ports" != *" $p "* ]] && ! listening "$p"; then
      used_ports+="$p "
      echo "$p"
      return 0
    fi
  done
  die "no free port found"
}
# Waits up to 10 s for something to listen on $1: 0 when it does, 1 when process $2
# exited first, 2 on timeout.
await_port() {
  for _ in $(seq 1 200); do
    listening "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.05
  done
  return 2
}
why() { [ "$1" -eq 1 ] && echo "exited before listening" || echo "is not listening after 10 s"; }

redis_port="$(free_port)"
redis_url="redis://127.0.0.1:$redis_port"
"$redis_server" --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  --loglevel warning >"$logs/redis.log" 2>&1 &
pids+=($!)
st=0; await_port "$redis_port" "$!" || st=$?
if [ "$st" -ne 0 ]; then
  cat "$logs/redis.log" >&2
  die "redis-server on port $redis_port $(why "$st")"
fi
echo "redis-server on $redis_url"

urls=()
for k in $(seq 1 "$instances"); do
  port="$(free_port)"
  cmd=()
  for w in "$@"; do
    w="${w//\{port\}/$port}"
    w="${w//\{redis\}/$redis_url}"
    w="${w//\{n\}/$k}"
    cmd+=("$w")
  done
  "${cmd[@]}" >"$logs/instance-$k.log" 2>&1 &
  pids+=($!)
  st=0; await_port "$port" "$!" || st=$?
  if [ "$st" -ne 0 ]; then
    echo "--- the end of $logs/instance-$k.log:" >&2
    tail -n 20 "$logs/instance-$k.log" >&2 || true
    die "instance $k (${cmd[*]}) on port $port $(why "$st")"
  fi
  echo "instance $k on ws://127.0.0.1:$port/ (${cmd[*]})"
  urls+=("ws://127.0.0.1:$port/")
done

set +e
"$wslab" conform --lab 6 "${conform_args[@]}" "${urls[@]}"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  echo "instance logs: $logs/instance-*.log (redis: $logs/redis.log)"
fi
exit "$rc"
