#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a freshly created,
# unlocked GNOME Keyring, so tests use a real Secret Service. DISPLAY is
# unset because a locked keyring with a display blocks on a GUI prompt.
set -euo pipefail
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home"
export HALO_ASSISTANT_REQUIRE_KEYRING=1
env -u DISPLAY -u WAYLAND_DISPLAY timeout 3600 dbus-run-session -- sh -c '
  echo -n ci-keyring-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1
  "$@"' sh "$@"
