#!/usr/bin/env bash
# A short run of every fuzz target (seed corpus + FUZZTIME of new inputs).
# Go 1.26's fuzz coordinator can report "context deadline exceeded" as the
# -fuzztime deadline races a worker's shutdown (go.dev/issue/75804, fixed in
# Go 1.27) although nothing failed. Such a run, with no failing input
# written and no other failure, is retried once; anything else fails.
set -euo pipefail
fuzztime=${FUZZTIME:-10s}
listing=$(go test -tags ci,migrated_fynedo -list '^Fuzz' ./...)
targets=$(printf '%s\n' "$listing" | awk '
  /^Fuzz/ { fns = fns " " $1 }
  /^ok / { if (fns != "") { n = split(fns, a, " "); for (i = 1; i <= n; i++) print $2, a[i] }; fns = "" }')
if [ -z "$targets" ]; then echo "no fuzz targets found" >&2; exit 1; fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
fuzz() { go test -tags ci,migrated_fynedo -run '^$' -fuzz "^${2}\$" -fuzztime "$fuzztime" "$1" 2>&1 | tee "$log"; }
deadline_race() {
  grep -q 'context deadline exceeded' "$log" &&
    ! grep -qE 'Failing input written|panic:|_test\.go:[0-9]+:|fuzz_test\.go' "$log"
}
while read -r pkg fn; do
  echo "fuzz $pkg $fn ($fuzztime)"
  if fuzz "$pkg" "$fn"; then continue; fi
  if deadline_race; then
    echo "fuzz: $fn hit Go's fuzztime deadline race (no failing input); running it once more"
    fuzz "$pkg" "$fn" && continue
  fi
  exit 1
done <<< "$targets"
