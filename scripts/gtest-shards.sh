#!/usr/bin/env bash
# Runs a GoogleTest binary as N shards in parallel (GoogleTest's own GTEST_TOTAL_SHARDS /
# GTEST_SHARD_INDEX: each shard runs every N-th test) and fails if any shard fails.
#
#   scripts/gtest-shards.sh N BINARY [GTEST ARGS...]
#
# make check-sanitize runs the ASan/UBSan test binary so: one process paid its start-up once
# where ctest's process per case paid it 1,200 times, but one process used one of CI's two cores
# for ten minutes. Each shard's output is printed whole when it ends, in shard order.
set -uo pipefail
if [ $# -lt 2 ] || ! [[ "$1" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/gtest-shards.sh N BINARY [GTEST ARGS...]" >&2
  exit 2
fi
n=$1
bin=$2
shift 2
dir=$(mktemp -d "${TMPDIR:-/tmp}/atslab-gtest-shards.XXXXXX") || exit 2
trap 'rm -rf "$dir"' EXIT
pids=()
for ((i = 0; i < n; i++)); do
  GTEST_TOTAL_SHARDS=$n GTEST_SHARD_INDEX=$i "$bin" "$@" >"$dir/$i.log" 2>&1 &
  pids+=($!)
done
status=0
for ((i = 0; i < n; i++)); do
  wait "${pids[$i]}"
  s=$?
  echo "== shard $((i + 1))/$n (exit $s)"
  cat "$dir/$i.log"
  [ $s -eq 0 ] || status=1
done
exit $status
