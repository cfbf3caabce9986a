#!/usr/bin/env bash
# A short run of every fuzz target (seed corpus + FUZZTIME of new inputs).
set -euo pipefail
fuzztime=${FUZZTIME:-10s}
listing=$(go test -tags ci,migrated_fynedo -list '^Fuzz' ./...)
targets=$(printf '%s\n' "$listing" | awk '
  /^Fuzz/ { fns = fns " " $1 }
  /^ok / { if (fns != "") { n = split(fns, a, " "); for (i = 1; i <= n; i++) print $2, a[i] }; fns = "" }')
if [ -z "$targets" ]; then echo "no fuzz targets found" >&2; exit 1; fi
while read -r pkg fn; do
  echo "fuzz $pkg $fn ($fuzztime)"
  go test -tags ci,migrated_fynedo -run '^$' -fuzz "^${fn}\$" -fuzztime "$fuzztime" "$pkg"
done <<< "$targets"
