#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages that building (`build`) or testing
# (`test`) needs, but only those that are missing, so an equipped machine
# never calls apt. Elsewhere it prints what to install and exits non-zero.
set -euo pipefail

build_pkgs=(ca-certificates gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev
  libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev)
# Xvfb + mesa software GL for the smoke test, xdotool/imagemagick to drive
# and photograph it, dbus + gnome-keyring for a real Secret Service.
test_pkgs=(xvfb xauth libgl1-mesa-dri x11-utils xdotool imagemagick dbus gnome-keyring)
# The Windows release: MinGW-w64 for cgo and windres, wixl + msibuild for the
# MSI, osslsigncode for optional signing; its tests run it under Wine.
windows_pkgs=(gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 binutils-mingw-w64-x86-64 wixl msitools zip osslsigncode)
windows_test_pkgs=(wine wine64 unzip openssl xvfb xauth libgl1-mesa-dri x11-utils xdotool imagemagick)

case "${1:-build}" in
  build) want=("${build_pkgs[@]}") ;;
  test) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  windows) want=("${windows_pkgs[@]}") ;;
  windows-test) want=("${windows_pkgs[@]}" "${windows_test_pkgs[@]}") ;;
  *) echo "usage: $0 build|test|windows|windows-test" >&2; exit 2 ;;
esac

# Go 1.21+ reads go.mod's "go 1.26" and fetches that toolchain by itself.
go_minor=$(go env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
if [ -z "$go_minor" ] || [ "$go_minor" -lt 21 ]; then
  echo "Go 1.21 or newer is required (it fetches Go 1.26 itself): https://go.dev/dl/ — then re-run make" >&2
  exit 1
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  case "$(uname -s)" in
    Darwin) echo "macOS: install Xcode command line tools (xcode-select --install); no other packages are needed." ;;
    *) echo "Not a Debian/Ubuntu system: install a C compiler and the X11/OpenGL development headers" \
      "(Fedora: gcc libXcursor-devel libXrandr-devel mesa-libGL-devel libXi-devel libXinerama-devel libXxf86vm-devel)." ;;
  esac
  exit 0
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Please install as root: apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
