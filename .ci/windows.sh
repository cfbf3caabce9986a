#!/usr/bin/env bash
# Cross-builds the Windows release on Linux (MinGW-w64, wixl) into dist/:
#   halo-assistant-<version>-windows-amd64.msi and .zip
# The main package is linked twice: halo-assistant.exe as a GUI program (no
# console window) and halo-assistant.com as a console program, which cmd.exe
# and PowerShell pick first (PATHEXT lists .COM before .EXE) so
# `halo-assistant check …` prints and sets the exit code. The .com is built
# with the nogui tag: no GUI toolkit, so no opengl32.dll in its import table
# (a DLL planted beside it cannot ride along on CLI and RMM runs); run with
# no command it starts the .exe. The .exe delay-loads opengl32.dll (step 2). Both carry the icon, version information
# and manifest from assets/windows/halo-assistant.rc.
# Signing happens only when a certificate is given (.ci/sign-windows.sh).
#   VERSION=0.1.0 BUILD=1 .ci/windows.sh   (make package-windows)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${VERSION:?set VERSION (from FyneApp.toml)}" "${BUILD:?set BUILD (from FyneApp.toml)}"
if ! [[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ && "$BUILD" =~ ^[0-9]+$ ]]; then
  echo "windows: Version must be N.N.N and Build a number in FyneApp.toml (got '$VERSION', '$BUILD'): MSI and PE versions need that" >&2
  exit 1
fi
version4="$VERSION.$BUILD"
stage=build/windows
name="halo-assistant-$VERSION-windows-amd64"
syso=rsrc_windows_amd64.syso
rm -rf "$stage" && mkdir -p "$stage/rsrc" dist
trap 'rm -f "$syso"' EXIT

# 1. Resources: fill the version into the templates, compile to a .syso that
# go build links into package main (Windows/amd64 builds only).
for f in halo-assistant.rc halo-assistant.manifest; do
  sed -e "s/@VERSION4@/$version4/g" -e "s/@VERSION@/$VERSION/g" -e "s/@VERSIONCOMMA@/${version4//./,}/g" \
    "assets/windows/$f" >"$stage/rsrc/$f"
done
cp assets/windows/icon.ico "$stage/rsrc/"
(cd "$stage/rsrc" && x86_64-w64-mingw32-windres -O coff -i halo-assistant.rc -o rsrc.syso)
mv "$stage/rsrc/rsrc.syso" "$syso"

# 2. opengl32.dll, delay-loaded. It is not one of Windows' KnownDLLs, so as
# an ordinary import the loader would take a copy from the program's folder
# before any of our code runs. Linked against a delay-import library of the
# same name (found first: -L comes before the default paths), it loads at
# the first OpenGL call, after internal/safedll limited the search to
# System32. The library is made from MinGW's own export list.
delay=$PWD/build/windows-delaylib
mkdir -p "$delay"
{ echo "LIBRARY opengl32.dll"; echo "EXPORTS"
  x86_64-w64-mingw32-nm --defined-only --extern-only "$(x86_64-w64-mingw32-gcc -print-file-name=libopengl32.a)" |
    awk '$2 == "T" && $3 !~ /^__imp_/ { print $3 }' | sort -u; } >"$delay/opengl32.def"
grep -qx wglGetProcAddress "$delay/opengl32.def" || { echo "windows: MinGW's libopengl32.a lists no wglGetProcAddress" >&2; exit 1; }
x86_64-w64-mingw32-dlltool --input-def "$delay/opengl32.def" --output-delaylib "$delay/libopengl32.a"

# 3. The two links.
export GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++
ld="-s -w -X github.com/halo-assistant/halo-assistant/assets.Version=$VERSION"
echo "windows: building halo-assistant.exe (GUI) and halo-assistant.com (console) $VERSION"
# -extldflags, not CGO_LDFLAGS: only the final link changes, so the .exe
# shares every compiled cgo package (SQLite, GLFW) with the .com.
go build -tags migrated_fynedo -trimpath -ldflags "$ld -H windowsgui -extldflags '-L$delay'" -o "$stage/halo-assistant.exe" .
go build -tags migrated_fynedo,nogui -trimpath -ldflags "$ld" -o "$stage/halo-assistant.com" .
unset GOOS GOARCH CC CXX

# 4. Optional Authenticode signing (no certificate: no-op).
.ci/sign-windows.sh "$stage/halo-assistant.exe" "$stage/halo-assistant.com"

cat >"$stage/README.txt" <<TXT
Halo Integration Assistant $VERSION for Windows (64-bit)

halo-assistant.exe  the desktop app: double-click it.
halo-assistant.com  the command line: from cmd.exe or PowerShell in this
                    folder run "halo-assistant --help" (Windows picks the
                    .com). Exit codes: 0 ok, 1 failed, 2 usage error.
                    With no command it opens halo-assistant.exe.

Your data: database in %APPDATA%\\halo-assistant, log in
%LOCALAPPDATA%\\halo-assistant, Client Secrets in Windows Credential Manager.
Removing the program (or uninstalling it) leaves them in place.

https://github.com/halo-assistant/halo-assistant
TXT
sed -i 's/$/\r/' "$stage/README.txt"

# 5. The zip: the program for people who cannot run installers.
rm -f "dist/$name.zip"
(cd "$stage" && zip -q -X "../../dist/$name.zip" halo-assistant.exe halo-assistant.com README.txt)

# 6. The MSI.
.ci/windows-msi.sh "$stage" "$VERSION" "$stage/$name.msi"
.ci/sign-windows.sh "$stage/$name.msi"
mv "$stage/$name.msi" dist/
echo "windows: dist/$name.msi dist/$name.zip"
