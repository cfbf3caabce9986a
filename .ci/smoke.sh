#!/usr/bin/env bash
# Smoke test of the real binary in a real X window: Xvfb, a private D-Bus
# session with an unlocked GNOME Keyring, a temp data dir. It waits for the
# window to be mapped, saves screenshots, quits with Ctrl+Q like a user (the
# last run with SIGTERM, like a session logout) and asserts a clean exit and
# a clean stderr: no line from Fyne ("Fyne error") over start, every screen
# and both ways of quitting.
#   .ci/smoke.sh ./halo-assistant OUTDIR   (make smoke: build/screenshots;
#   make screenshots: assets/screenshots, the README's)
set -euo pipefail
bin=$(realpath "$1")
out=$(realpath -m "${2:-build/screenshots}")
mkdir -p "$out"

if [ -z "${SMOKE_INNER:-}" ]; then
  export SMOKE_INNER=1
  exec "$(dirname "$0")/with-keyring.sh" bash "$0" "$bin" "$out"
fi

work=$(mktemp -d)
xvfb_pid=""; app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

. "$(dirname "$0")/xvfb.sh"
start_xvfb "$work" || exit 1
export LANG=en_US.UTF-8
export XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
data="$work/data"

# launch LOG CMD…: starts the app (stdout to LOG, stderr to LOG.err), waits
# for its window, sets app_pid and wid.
launch() {
  local log=$1; shift
  local start mapped
  start=$(date +%s.%N)
  "$@" >"$log" 2>"$log.err" &
  app_pid=$!
  if ! wid=$(timeout 30 xdotool search --sync --onlyvisible --name '^Halo Integration Assistant' | head -n1); then
    echo "smoke: the window never appeared"; cat "$log" "$log.err"; exit 1
  fi
  mapped=$(date +%s.%N)
  awk -v a="$start" -v b="$mapped" 'BEGIN { printf "smoke: window mapped %.2f s after launch\n", b - a }'
  sleep 1.5 # let the first frames and the async loads draw
  xdotool windowfocus --sync "$wid" 2>/dev/null || true
}

shot() { import -window root "$out/$1.png"; echo "smoke: saved $out/$1.png"; }
key() { xdotool key --clearmodifiers "$@"; }

# fyne_lines: the stderr lines of every run that came from Fyne ("Fyne
# error" and the Cause/At lines after it). Collected rather than fatal at
# once, so one run's noise does not hide the rest of the smoke test; the
# end of the script fails when there are any.
fyne_lines="$work/fyne-errors" fyne_runs=""
: >"$fyne_lines"

# quit LOG [term]: Ctrl+Q like a user (or SIGTERM like a session logout),
# then assert a clean exit and a clean log, and collect Fyne's stderr lines.
quit() {
  local log=$1 how=${2:-ctrl+q}
  if [ "$how" = term ]; then kill -TERM "$app_pid"; else key ctrl+q; fi
  for _ in $(seq 1 100); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$app_pid" 2>/dev/null; then
    echo "smoke: the app did not quit on $how"; cat "$log" "$log.err"; exit 1
  fi
  local status=0
  wait "$app_pid" || status=$?
  app_pid=""
  if [ "$status" -ne 0 ]; then
    echo "smoke: the app exited with status $status"; cat "$log" "$log.err"; exit 1
  fi
  if grep -E 'panic|fatal error|DATA RACE|should have been called in fyne.Do' "$log" "$log.err"; then
    echo "smoke: the app log shows a crash or a threading error"; exit 1
  fi
  # One line per message: "run: Fyne error: … | Cause: … | At: …".
  awk -v run="$(basename "$log")" '
    function flush() { if (msg != "") print run ": " msg; msg = "" }
    { sub(/^[0-9]+\/[0-9]+\/[0-9]+ [0-9:.]+ +/, "") }
    /^Fyne error:/ { flush(); msg = $0; next }
    msg != "" && /^(Cause|At):/ { msg = msg " | " $0; next }
    { flush() }
    END { flush() }' "$log.err" >>"$fyne_lines"
  # The raw lines decide; the awk above only makes them readable.
  if grep -q 'Fyne error' "$log.err"; then
    echo "smoke: Fyne wrote to stderr ($how)"
    fyne_runs="$fyne_runs $(basename "$log")"
  fi
  echo "smoke: clean exit ($how)"
}

# 1. Real mode: profiles made with the CLI, the real keyring. The toolkit's
# own preferences file is left truncated, as an exit cut short leaves it:
# the start must stay clean.
data="$work/data"
prefs="$XDG_CONFIG_HOME/fyne/com.halointegration.assistant/preferences.json"
mkdir -p "$(dirname "$prefs")" && printf '{"fyne-' >"$prefs"
"$bin" --data-dir "$data" profile add "Contoso MSP" --url https://contoso.halopsa.com --client-id 3f2a9c1e-8d7b-4e6f-a1b2-c3d4e5f60718 >/dev/null
echo -n "9b1de6f0-5c1a-4f7e-9a55-2f4c1d7e8a10" | "$bin" --data-dir "$data" profile add "Northwind Telecom" \
  --url https://helpdesk.northwind.example --secret-stdin >/dev/null
launch "$work/app.log" "$bin" --data-dir "$data"
shot profiles
quit "$work/app.log"
if grep 'Preferences load error' "$work/app.log.err"; then echo "smoke: the start after a cut-short exit was not clean"; exit 1; fi

# 2. Demo mode: the whole journey against the simulated Halo. The CLI reads
# the same database meanwhile (WAL) to assert what the window did.
demo_profile="Demo MSP (simulated Halo)"
cli_demo() { "$bin" --data-dir "$work/demo" --demo "$@"; }
# wait_for DESC CMD…: polls CMD for up to 20 s.
wait_for() {
  local desc=$1; shift
  for _ in $(seq 1 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "smoke: $desc did not happen"; cat "$work/demo.log" "$work/demo.log.err"; exit 1
}
mapped_users() { cli_demo users list --profile "$demo_profile" --json | grep -c '"status": "mapped"'; }
mostly_mapped() { [ "$(mapped_users)" -ge 39 ]; }

launch "$work/demo.log" "$bin" --data-dir "$work/demo" --demo
key alt+2; sleep 0.8; shot checklist
key alt+3; sleep 0.8; shot connection
key alt+4; sleep 0.5; key ctrl+r
# A passing check stores the pulled agents, which map auto can then use.
wait_for "a passing systems check (Ctrl+R)" cli_demo map auto --profile "$demo_profile" --dry-run --json
sleep 0.5; shot check
key Escape; sleep 0.3
key alt+5; sleep 1
# "Suggest matches", then "Accept all confident": positions in the default
# window (no window manager, so it sits at 0,0). The screen reloads the
# agents the check stored in the background: on a busy machine the buttons
# may still be disabled, so the clicks are repeated until the CLI sees the
# mappings (both buttons do nothing more once everyone is mapped).
for try in $(seq 1 10); do
  xdotool mousemove 268 238 click 1; sleep 0.8
  xdotool mousemove 440 238 click 1; sleep 1
  mostly_mapped && break
  [ "$try" -lt 10 ] || { echo "smoke: auto-matching on the Mapping screen did not happen"; cat "$work/demo.log" "$work/demo.log.err"; exit 1; }
done
sleep 0.5; shot mapping
# Contacts: F5 audits the simulated contacts (about 200, two pages).
key alt+6; sleep 0.5; key F5; sleep 2; shot contacts
key alt+7; sleep 0.8; shot history
key alt+1; sleep 0.5
quit "$work/demo.log"

# 3. Day two: after an export, mappings change (here with the CLI); status
# says so (exit 1) and the Mapping screen opens its changes panel.
cli_demo export --profile "$demo_profile" --out "$work/baseline.csv" 2>/dev/null
for x in $(sed -n '2,4p' "$work/baseline.csv" | cut -d, -f1); do
  cli_demo map remove --profile "$demo_profile" --extension "$x" >/dev/null
done
if cli_demo status --profile "$demo_profile" --json >"$work/status.json" || ! grep -q '"changes_since_export": 3' "$work/status.json"; then
  echo "smoke: status does not report the 3 changes"; cat "$work/status.json"; exit 1
fi
launch "$work/demo2.log" "$bin" --data-dir "$work/demo" --demo
key alt+5; sleep 1.5; shot changes
quit "$work/demo2.log" term

# Every run's stderr, over start, every screen, Ctrl+Q and SIGTERM: no line
# from Fyne (a widget used before its callbacks are set, a preferences file
# read while written, …).
if [ -n "$fyne_runs" ]; then
  echo "smoke: Fyne wrote to stderr in$fyne_runs; $(wc -l <"$fyne_lines") message(s) (count × run: message):"
  sort "$fyne_lines" | uniq -c
  exit 1
fi
echo "smoke: stderr clean of Fyne"
