#!/bin/sh
# mutate_captures.sh OUT IN...: corrupts each capture with editcap (3% of bytes, seeds 1-8, so
# the result is the same on every run) and concatenates the copies into OUT. Exit 77 (skip)
# when editcap or mergecap is missing.
set -eu
out=$1
shift
for tool in editcap mergecap; do
  command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done
work=$(mktemp -d /tmp/wslab-mutate.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
n=0
for capture in "$@"; do
  for seed in 1 2 3 4 5 6 7 8; do
    n=$((n + 1))
    editcap --seed "$seed" -E 0.03 "$capture" "$work/m$n.pcapng" 2>/dev/null
  done
done
mergecap -a -w "$out" "$work"/m*.pcapng
echo "wrote $out from $n corrupted copies"
