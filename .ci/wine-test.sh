#!/usr/bin/env bash
# Tests the Windows release (make package-windows's dist/ and build/windows)
# under Wine + Xvfb in a throwaway prefix: PE subsystems and resources, the
# zip's and MSI's contents, optional signing, the CLI (.com) against the
# simulated Halo, secrets only in Credential Manager, the MSI's silent
# install / upgrade / uninstall, the .com's import table (no GUI toolkit),
# the secret's clipboard markers, owner-only data and log folders (and the
# warning for an open one), a planted DLL left unloaded, and the GUI's demo
# systems check.
#   VERSION=0.1.0 BUILD=1 .ci/wine-test.sh SCREENSHOT_DIR
# Wine 8.0 lacks bcryptprimitives.dll (Go 1.24+ needs its ProcessPrng), so a
# TEST-ONLY stand-in from .ci/wine/ is built into the prefix; it never ships.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${VERSION:?set VERSION}" "${BUILD:?set BUILD}"
out=$(realpath -m "${1:-build/screenshots}")
mkdir -p "$out"
name="halo-assistant-$VERSION-windows-amd64"
stage=$PWD/build/windows msi=$PWD/dist/$name.msi zip=$PWD/dist/$name.zip
for f in "$stage/halo-assistant.exe" "$stage/halo-assistant.com" "$msi" "$zip"; do
  [ -f "$f" ] || { echo "wine-test: $f missing: run make package-windows first" >&2; exit 1; }
done

work=$(mktemp -d)
xvfb_pid="" app_pid="" sim_pid=""
export WINEPREFIX="$work/prefix" WINEARCH=win64 WINEDEBUG=-all
# No Mono/Gecko download prompts; the stand-in DLL instead of Wine's missing one.
export WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n"
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  [ -d "$WINEPREFIX" ] && timeout 20 wineserver -k 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# A failure shows what Wine itself said last (a timeout, a crash), too.
fail() {
  echo "wine-test: FAIL: $*" >&2
  [ -s "${work:-}/wine.err" ] && { echo "wine-test: the end of Wine's stderr:" >&2; tail -n 20 "$work/wine.err" >&2; }
  exit 1
}
ok() { echo "wine-test: ok - $*"; }
# grep that reads all its input: grep -q closing a pipe early trips pipefail.
has() { grep "$@" >/dev/null; }
start=$SECONDS

# 1. The files themselves.
objdump=x86_64-w64-mingw32-objdump
pe=$($objdump -p "$stage/halo-assistant.exe")
grep -q 'Subsystem.*(Windows GUI)' <<<"$pe" || fail "halo-assistant.exe is not a GUI-subsystem program"
pe=$($objdump -p "$stage/halo-assistant.com")
grep -q 'Subsystem.*(Windows CUI)' <<<"$pe" || fail "halo-assistant.com is not a console program"
for f in exe com; do
  bin="$stage/halo-assistant.$f"
  sections=$($objdump -h "$bin")
  grep -q ' \.rsrc ' <<<"$sections" || fail "halo-assistant.$f has no .rsrc section"
  rc=$(x86_64-w64-mingw32-windres -i "$bin" -O rc 2>/dev/null) || fail "windres cannot read halo-assistant.$f's resources"
  grep -q 'RT_GROUP_ICON' <<<"$rc" || fail "halo-assistant.$f has no icon"
  grep -q "FILEVERSION ${VERSION//./, }, $BUILD" <<<"$rc" || fail "halo-assistant.$f's version is not $VERSION.$BUILD"
  grep -q '"ProductName", "Halo Integration Assistant' <<<"$rc" || fail "halo-assistant.$f has no product name"
  grep -q '"CompanyName"' <<<"$rc" || fail "halo-assistant.$f has no company name"
  grep -q 'RT_MANIFEST' <<<"$rc" || fail "halo-assistant.$f has no manifest"
  grep -q 'PerMonitorV2' <<<"$rc" || fail "halo-assistant.$f's manifest lacks per-monitor DPI awareness v2"
  grep -q 'Microsoft.Windows.Common-Controls"" version=""6' <<<"$rc" || fail "halo-assistant.$f's manifest lacks common controls v6"
done
ok "PE: .exe GUI subsystem, .com console, both with icon, version $VERSION.$BUILD and manifest"

# The console twin is built without the GUI toolkit: no OpenGL, GLFW or GDI
# import, so a DLL of such a name planted beside it (say in Downloads) does
# not ride along on CLI and RMM runs. The .exe's list shows the check bites.
imports() { $objdump -p "$1" | sed -n 's/^[[:space:]]*DLL Name: //p' | tr '[:upper:]' '[:lower:]' | sort -u | tr '\n' ' '; }
com_imports=$(imports "$stage/halo-assistant.com") exe_imports=$(imports "$stage/halo-assistant.exe")
gui_dlls='^(opengl32|glu32|gdi32|user32|dwmapi|shcore|dinput8|xinput.*|winmm|imm32|shell32)\.dll$'
tr ' ' '\n' <<<"$exe_imports" | has -E "$gui_dlls" || fail "the GUI-DLL pattern matches nothing in the .exe's imports ($exe_imports)"
if tr ' ' '\n' <<<"$com_imports" | grep -E "$gui_dlls"; then fail "halo-assistant.com imports GUI DLLs (above); all: $com_imports"; fi
# What the loader resolves before any code runs is taken from the program's
# folder first unless it is one of Windows' KnownDLLs (always System32):
# every load-time import of both programs must be one. The .exe
# delay-loads opengl32.dll (.ci/windows.sh), so it is not listed.
known='^(advapi32|combase|comdlg32|gdi32|gdiplus|imagehlp|imm32|kernel32|msctf|msvcrt|normaliz|nsi|ntdll|ole32|oleaut32|psapi|rpcrt4|sechost|setupapi|shcore|shell32|shlwapi|user32|wldap32|ws2_32)\.dll$'
for f in com exe; do
  v=${f}_imports
  for d in ${!v}; do
    [[ $d =~ $known ]] || fail "halo-assistant.$f imports $d at load time, not a KnownDLL: a copy beside the program would load first"
  done
done
ok "halo-assistant.com imports only $com_imports(no OpenGL, GLFW or GDI); the .exe: $exe_imports(KnownDLLs only: opengl32.dll is delay-loaded)"

listing=$(unzip -Z1 "$zip" | sort | tr '\n' ' ')
[ "$listing" = "README.txt halo-assistant.com halo-assistant.exe " ] || fail "zip holds: $listing"
msifiles=$(msiinfo export "$msi" File | tr -d '\r')
for f in halo-assistant.exe halo-assistant.com README.txt; do grep -q "$f" <<<"$msifiles" || fail "the MSI lacks $f"; done
if grep -qi bcryptprimitives <<<"$listing $msifiles" || ls dist | has -i bcryptprimitives; then
  fail "the test-only bcryptprimitives stand-in got into dist/"
fi
ok "zip and MSI hold the program and README.txt, not the test-only DLL"

# Signing path: a throwaway self-signed certificate, copies of the files.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=Halo Integration Assistant test" \
  -keyout "$work/sign.key" -out "$work/sign.crt" >/dev/null 2>&1
cp "$stage/halo-assistant.com" "$work/signed.com"; cp "$msi" "$work/signed.msi"
SIGN_CERT="$work/sign.crt" SIGN_KEY="$work/sign.key" .ci/sign-windows.sh "$work/signed.com" "$work/signed.msi" >/dev/null
# verify exits non-zero on the untrusted test certificate; the signer is what counts.
signer() { osslsigncode verify -in "$1" 2>&1 || true; }
for f in signed.com signed.msi; do
  signer "$work/$f" | has 'Subject: /CN=Halo Integration Assistant test' || fail "$f carries no signature"
done
openssl pkcs12 -export -passout pass:test-pass -inkey "$work/sign.key" -in "$work/sign.crt" -out "$work/sign.p12" 2>/dev/null
cp "$stage/halo-assistant.exe" "$work/signed.exe"
SIGN_PKCS12="$work/sign.p12" SIGN_PASS=test-pass .ci/sign-windows.sh "$work/signed.exe" >/dev/null
signer "$work/signed.exe" | has 'Subject: /CN=Halo Integration Assistant test' || fail "PKCS#12 signing left no signature"
rm -f "$work"/signed.* "$work"/sign.*
ok "signing with PEM and PKCS#12 certificates (osslsigncode verify finds the signer)"

# 2. Xvfb, then a fresh prefix with the stand-in DLL.
. .ci/xvfb.sh
start_xvfb "$work" || fail "Xvfb did not start"
timeout 300 wineboot -i >/dev/null 2>&1 || fail "wineboot failed"
timeout 120 wineserver -w || true
# One wineserver for the whole test: without it every command starts one
# and it exits 3 s after the last, and a command that starts as it exits
# can fail (seen once, on a loaded machine, as a failed CLI command). The
# services it keeps running are started here with no output to hold: one
# started by a command inside $(…) would keep that pipe open.
wineserver -p
timeout 120 wine cmd /c exit </dev/null >/dev/null 2>&1 || fail "Wine does not start a program"
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  .ci/wine/bcryptprimitives.c .ci/wine/bcryptprimitives.def -ladvapi32
users="$WINEPREFIX/drive_c/users"
home="$users/$(id -un)"
appdata="$home/AppData/Roaming" localappdata="$home/AppData/Local"
ok "Wine prefix ready ($(( SECONDS - start )) s so far)"

# The secret's clipboard copy: internal/winclip's own test, run on Wine's
# clipboard (pure Go, so the cross-compile takes seconds).
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o "$work/winclip.test.exe" ./internal/winclip
clip=$(timeout 120 wine "$work/winclip.test.exe" -test.v 2>&1 | tr -d '\r') || { echo "$clip"; fail "the clipboard test failed"; }
has -- '--- PASS: TestSetPrivateText' <<<"$clip" || { echo "$clip"; fail "the clipboard test did not pass"; }
ok "a copied secret carries ExcludeClipboardContentFromMonitorProcessing, CanIncludeInClipboardHistory = 0, CanUploadToCloudClipboard = 0"

com="$stage/halo-assistant.com"
hw() {
  local rc=0
  timeout 120 wine "$@" 2>>"$work/wine.err" || rc=$?
  if [ "$rc" -eq 124 ]; then echo "wine-test: wine $1 … timed out after 120 s" >>"$work/wine.err"
  elif [ "$rc" -ne 0 ]; then echo "wine-test: wine $1 … exited $rc" >>"$work/wine.err"; fi
  return "$rc"
}
cli() { hw "$com" "$@"; }
# Steps that may run twice (an install, an import of the same rows) get a
# second try when Wine fails one: two runs in twenty failed once, each at a
# different such step, with no error from the program. The retry is said.
again() {
  "$@" && return 0
  echo "wine-test: note: $1 ${2:-} … failed once; trying again" | tee -a "$work/wine.err" >>"$work/retried"
  sleep 2
  "$@"
}

# 3. The command line (console twin), default data locations.
v=$(cli version | tr -d '\r')
grep -q "$VERSION" <<<"$v" || fail "version printed '$v'"
status=0; cli profile list --no-such-flag >/dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "a usage error exited $status, not 2"
ok "version prints $VERSION; exit codes pass through"

go build -o "$work/halotest-serve" ./halo/halotest/cmd/halotest-serve
"$work/halotest-serve" -tls >"$work/sim.env" &
sim_pid=$!
for _ in $(seq 1 100); do grep -q HALO_CA_FILE "$work/sim.env" 2>/dev/null && break; sleep 0.1; done
# shellcheck disable=SC1091
. "$work/sim.env"
[ -n "${HALO_CA_FILE:-}" ] || fail "the simulated Halo did not start"
mkdir -p "$WINEPREFIX/drive_c/Halo CA"
cp "$HALO_CA_FILE" "$WINEPREFIX/drive_c/Halo CA/halotest-ca.pem"
profile="Wine MSP"
printf '%s' "$HALO_CLIENT_SECRET" | cli profile add "$profile" --url "$HALO_URL" --client-id "$HALO_CLIENT_ID" \
  --ca-file 'C:\Halo CA\halotest-ca.pem' --secret-stdin >/dev/null || fail "profile add failed"
cli profile list --json | tr -d '\r' | has '"ca_file": "C:\\\\Halo CA\\\\halotest-ca.pem"' || fail "the CA file is not stored as a Windows path"
ls "$appdata/halo-assistant/"*.db >/dev/null 2>&1 || fail "no database under %APPDATA%\\halo-assistant"
ok "profile add with --secret-stdin and --ca-file C:\\…; database under %APPDATA%\\halo-assistant"

check=$(cli check --profile "$profile" --json | tr -d '\r') || fail "check failed: $check"
grep -q '"ok": true' <<<"$check" || fail "check did not report ok: $check"
ok "check --profile --json against the simulated Halo on 127.0.0.1 over TLS: ok, exit 0"

printf 'Extension,Name,Email\n101,Ada Lovelace,ada@example.com\n' >"$WINEPREFIX/drive_c/users.csv"
out=$(again cli users import --profile "$profile" 'C:\users.csv' 2>&1) || fail "users import from C:\\users.csv failed: $out"
mkdir -p "$WINEPREFIX/drive_c/Exports"
out=$(again cli export --profile "$profile" --include-unmapped --out 'C:\Exports\mappings.csv' 2>&1) || fail "export failed: $out"
head -n1 "$WINEPREFIX/drive_c/Exports/mappings.csv" | has '^Extension,1stream User' || fail "C:\\Exports\\mappings.csv was not written"
grep -q '^101,' "$WINEPREFIX/drive_c/Exports/mappings.csv" || fail "the export lacks the imported user"
ok "users import C:\\users.csv and export --out C:\\Exports\\mappings.csv"

ls "$localappdata/halo-assistant/"*.log >/dev/null 2>&1 || fail "no log under %LOCALAPPDATA%\\halo-assistant"
if grep -rlaF "$HALO_CLIENT_SECRET" "$users" "$WINEPREFIX"/*.reg; then
  fail "the Client Secret is stored in plain text (files above)"
fi
ok "log under %LOCALAPPDATA%\\halo-assistant; the secret is in no file of the prefix"

# The data and log folders the program created are the user's alone (a
# protected DACL naming only the user). Wine keeps a folder's ACL as its
# Unix mode, "other" standing for Everyone: a folder made the plain way
# here is 755, open to Everyone.
for d in "$appdata/halo-assistant" "$localappdata/halo-assistant"; do
  mode=$(stat -c %a "$d")
  (( (8#$mode & 8#007) == 0 )) || fail "$d is open to Everyone (Wine mode $mode): not created owner-only"
done
# An existing data folder others may read is used, with a warning saying so.
mkdir -p "$WINEPREFIX/drive_c/Shared Data" && chmod 755 "$WINEPREFIX/drive_c/Shared Data"
timeout 120 wine "$com" --data-dir 'C:\Shared Data' profile list >/dev/null 2>"$work/shared.err" || fail "profile list in an open folder failed: $(cat "$work/shared.err")"
has -F 'warning: the data directory C:\Shared Data can be read by Everyone' <(tr -d '\r' <"$work/shared.err") ||
  fail "no warning for a data folder Everyone may read: '$(cat "$work/shared.err")'"
# storage/owneronly's own test: under a folder Everyone may read, the one
# it creates is the user's alone, and the open one is reported.
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o "$work/owneronly.test.exe" ./storage/owneronly
acl=$(timeout 120 wine "$work/owneronly.test.exe" -test.v 2>&1 | tr -d '\r') || { echo "$acl"; fail "the owner-only folder test failed"; }
has -- '--- PASS: TestDirIsOwnerOnlyUnderAnOpenParent' <<<"$acl" || { echo "$acl"; fail "the owner-only folder test did not pass"; }
ok "data and log folders created owner-only; a data folder Everyone may read gets a warning"

# 4. The MSI: silent install, upgrade in place, silent uninstall.
uninstall_entries() {
  hw reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s | tr -d '\r' >"$work/arp.txt" || true
  hw reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s | tr -d '\r' >>"$work/arp.txt" || true
  grep -c 'DisplayName *REG_SZ *Halo Integration Assistant$' "$work/arp.txt" || true
}
user_path() { hw reg query 'HKCU\Environment' /v Path | tr -d '\r' | sed -n 's/.*Path *REG_SZ *//p'; }
installdir="$localappdata/Programs/Halo Integration Assistant"
shortcut="$appdata/Microsoft/Windows/Start Menu/Programs/Halo Integration Assistant.lnk"
again hw msiexec /i "$(winepath -w "$msi")" /qn || fail "msiexec /i /qn failed"
for f in halo-assistant.exe halo-assistant.com README.txt; do [ -f "$installdir/$f" ] || fail "$f not installed"; done
[ -f "$shortcut" ] || fail "no Start menu shortcut"
lnk=$(x86_64-w64-mingw32-strings -el "$shortcut"; x86_64-w64-mingw32-strings "$shortcut")
has -F 'Halo Integration Assistant\halo-assistant.exe' <<<"$lnk" || fail "the shortcut does not start the installed halo-assistant.exe"
has 'AppIcon.ico$' <<<"$lnk" || fail "the shortcut has no icon"
[ "$(uninstall_entries)" -eq 1 ] || fail "not one Apps & Features entry"
grep -A20 'DisplayName *REG_SZ *Halo Integration Assistant$' "$work/arp.txt" | has "DisplayVersion *REG_SZ *$VERSION" || fail "Apps & Features lacks version $VERSION"
grep -A20 'DisplayName *REG_SZ *Halo Integration Assistant$' "$work/arp.txt" | has 'Publisher *REG_SZ *.' || fail "Apps & Features lacks the publisher"
user_path | has -F 'AppData\Local\Programs\Halo Integration Assistant' || fail "the install folder is not on the user's PATH"
hw 'C:\users\'"$(id -un)"'\AppData\Local\Programs\Halo Integration Assistant\halo-assistant.com' version | tr -d '\r' | has "$VERSION" ||
  fail "the installed program does not run"
ok "MSI installs silently per user: files, shortcut with icon, one Apps & Features entry ($VERSION), PATH; the installed program runs"

# A newer MSI of the same files replaces the installed one in place.
IFS=. read -r ma mi pa <<<"$VERSION"
next="$ma.$mi.$((pa + 1))"
.ci/windows-msi.sh "$stage" "$next" "$work/next.msi"
again hw msiexec /i "$(winepath -w "$work/next.msi")" /qn || fail "the upgrade MSI failed"
[ "$(uninstall_entries)" -eq 1 ] || fail "after the upgrade there is not exactly one entry"
grep -A20 'DisplayName *REG_SZ *Halo Integration Assistant$' "$work/arp.txt" | has "DisplayVersion *REG_SZ *$next" || fail "the upgrade did not replace $VERSION by $next"
[ "$(user_path | grep -o 'Halo Integration Assistant' | wc -l)" -eq 1 ] || fail "the PATH entry is doubled after the upgrade"
[ "$(find "$localappdata/Programs" -name halo-assistant.exe | wc -l)" -eq 1 ] || fail "two copies of the program after the upgrade"
ok "MSI $next upgrades $VERSION in place (one entry, one copy, one PATH entry)"

again hw msiexec /x "$(winepath -w "$work/next.msi")" /qn || fail "msiexec /x /qn failed"
[ ! -e "$installdir" ] || fail "the program folder is left after uninstall: $(ls "$installdir")"
[ ! -e "$shortcut" ] || fail "the shortcut is left after uninstall"
[ "$(uninstall_entries)" -eq 0 ] || fail "Apps & Features still lists the app"
! user_path | has -F 'Halo Integration Assistant' || fail "the PATH entry is left after uninstall"
ls "$appdata/halo-assistant/"*.db >/dev/null 2>&1 || fail "uninstall removed the database"
ls "$localappdata/halo-assistant/"*.log >/dev/null 2>&1 || fail "uninstall removed the log"
cli check --profile "$profile" --json >/dev/null || fail "after uninstall the stored secret no longer works"
ok "MSI uninstalls silently: program, shortcut, entry and PATH gone; database, log and Credential Manager secret kept"
kill "$sim_pid" 2>/dev/null || true; sim_pid=""

# 5. The console twin with no command starts the desktop app beside it (or
# says it is missing). DLLs planted in that folder under names the app
# loads by bare name (GLFW's xinput1_4.dll, the delay-loaded opengl32.dll;
# "n,b" makes Wine prefer them as Windows would) must not load: the
# program looks in System32 only, and the window still opens.
# Output goes to a file, not a pipe: the started app (and a wineserver
# started meanwhile) would keep a pipe open after the .com has exited.
twin="$work/twin"
mkdir -p "$twin"
cp "$stage/halo-assistant.com" "$twin/"
status=0; timeout 120 wine "$twin/halo-assistant.com" --demo >"$work/twin.out" 2>&1 || status=$?
[ "$status" -eq 1 ] && has 'halo-assistant.exe, is not in' "$work/twin.out" ||
  fail "the .com alone, no command: exit $status, '$(cat "$work/twin.out")'"
cp "$stage/halo-assistant.exe" "$twin/"
x86_64-w64-mingw32-gcc -shared -O2 -o "$twin/xinput1_4.dll" .ci/wine/planted.c
cp "$twin/xinput1_4.dll" "$twin/opengl32.dll"
marker="$WINEPREFIX/drive_c/planted-dll-loaded.txt"
rm -f "$marker"
WINEDLLOVERRIDES="$WINEDLLOVERRIDES;xinput1_4,opengl32=n,b" timeout 120 wine "$twin/halo-assistant.com" --demo >"$work/twin.out" 2>&1 ||
  fail "the .com with no command failed: $(cat "$work/twin.out")"
has 'Opening the window (halo-assistant.exe)' "$work/twin.out" || fail "the .com with no command printed '$(cat "$work/twin.out")'"
wid=$(timeout 120 xdotool search --sync --onlyvisible --name '^Halo Integration Assistant' | head -n1) ||
  fail "the window started by the .com never appeared"
sleep 2
[ ! -e "$marker" ] || fail "the desktop app loaded a DLL planted in its folder (xinput1_4.dll or opengl32.dll)"
xdotool windowfocus --sync "$wid" 2>/dev/null || true
xdotool key --clearmodifiers ctrl+q
for _ in $(seq 1 150); do xdotool search --onlyvisible --name '^Halo Integration Assistant' >/dev/null 2>&1 || break; sleep 0.2; done
xdotool search --onlyvisible --name '^Halo Integration Assistant' >/dev/null 2>&1 && fail "the app started by the .com did not quit on Ctrl+Q"
ok "the .com with no command opens halo-assistant.exe beside it (or says it is missing); xinput1_4.dll and opengl32.dll planted there are not loaded"

# 6. The GUI in demo mode: open, run the systems check from the keyboard
# as .ci/smoke.sh does, assert through the CLI, screenshot, quit.
demo_profile="Demo MSP (simulated Halo)"
launched=$SECONDS
# Every process logs to the same file: "app closed" counts from here on.
closes() { cat "$localappdata/halo-assistant/"*.log 2>/dev/null | grep -c 'app closed' || true; }
closes_before=$(closes)
wine "$stage/halo-assistant.exe" --demo >"$work/demo.log" 2>&1 &
app_pid=$!
wid=$(timeout 120 xdotool search --sync --onlyvisible --name '^Halo Integration Assistant' | head -n1) ||
  { cat "$work/demo.log"; fail "the window never appeared"; }
ok "window mapped $(( SECONDS - launched )) s after launch"
sleep 3
xdotool windowfocus --sync "$wid" 2>/dev/null || true
key() { xdotool key --clearmodifiers "$@"; }
key alt+4; sleep 1; key ctrl+r
passed=""
for _ in $(seq 1 30); do
  if cli --demo map auto --profile "$demo_profile" --dry-run --json >/dev/null 2>&1; then passed=1; break; fi
  sleep 2
done
[ -n "$passed" ] || { cat "$work/demo.log"; fail "the demo systems check (Ctrl+R) stored no result"; }
sleep 1
import -window "$wid" "$out/windows.png"
ok "demo systems check completed; screenshot $out/windows.png"
# The CLI runs above were Wine processes of their own: the keys go to the
# window again, as a user's would after clicking it.
xdotool windowfocus --sync "$wid" 2>/dev/null || true
key Escape; sleep 0.5; key ctrl+q
exited() { for _ in $(seq 1 150); do kill -0 "$app_pid" 2>/dev/null || return 0; sleep 0.2; done; return 1; }
shown() { xdotool search --onlyvisible --name '^Halo Integration Assistant' >/dev/null 2>&1; }
applog=$(ls -t "$localappdata/halo-assistant/"*.log 2>/dev/null | head -n1)
closed() { [ "$(closes)" -gt "$closes_before" ]; }
why() {
  echo "--- the app's output"; cat "$work/demo.log"
  echo "--- the end of its log"; [ -n "$applog" ] && tail -n 20 "$applog" | tr -d '\r'
  echo "--- the focused window: $(xdotool getwindowfocus getwindowname 2>&1 | tr '\n' ' ')"
  shown && import -window "$wid" "$work/quit.png" 2>/dev/null && echo "--- screenshot: $work/quit.png (kept as build/wine-quit.png)" &&
    cp "$work/quit.png" build/wine-quit.png
}
if ! exited; then
  # Xvfb with no window manager under Wine has dropped a synthetic key
  # (a Ctrl+Q arriving as a bare q) on rare runs. The window still up and
  # no "app closed" in the log: the key never arrived, so it is pressed
  # once more and said here; a second miss, or a hang after the window
  # went, fails.
  if shown && ! closed; then
    echo "wine-test: note - no exit 30 s after Ctrl+Q with the window still up; pressing Ctrl+Q again"
    xdotool windowfocus --sync "$wid" 2>/dev/null || true
    key ctrl+q
    exited || { why; fail "the app did not quit on Ctrl+Q, pressed twice"; }
  else
    why; fail "the app closed its window on Ctrl+Q but its process did not exit"
  fi
fi
status=0; wait "$app_pid" || status=$?; app_pid=""
[ "$status" -eq 0 ] || { cat "$work/demo.log"; fail "the app exited with $status"; }
if grep -E 'panic|fatal error|should have been called in fyne.Do' "$work/demo.log"; then fail "the app log shows a crash"; fi
ok "clean exit on Ctrl+Q"
[ -s "$work/retried" ] && cat "$work/retried"
echo "wine-test: all passed in $(( SECONDS - start )) s"
