#!/usr/bin/env bash
# Measures cold start to a mapped window under Xvfb, N runs per binary:
#   .ci/startup.sh N 'TITLE-REGEX' CMD [ARGS…]
# Prints each run and the median in seconds.
set -euo pipefail
runs=$1 title=$2; shift 2
work=$(mktemp -d)
xvfb_pid=""
trap '[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null; rm -rf "$work"' EXIT
. "$(dirname "$0")/xvfb.sh"
start_xvfb "$work" || exit 1
export LANG=en_US.UTF-8
times=()
for i in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 &
  pid=$!
  timeout 30 xdotool search --sync --onlyvisible --name "$title" >/dev/null
  end=$(date +%s.%N)
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
  times+=("$t"); echo "run $i: ${t}s"
done
printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "median: %.3fs over %d runs\n", a[int((NR + 1) / 2)], NR }'
