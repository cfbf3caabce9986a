#!/usr/bin/env bash
# Builds the per-user MSI from a folder holding halo-assistant.exe, .com and
# README.txt (.ci/windows.sh's stage), with assets/windows/halo-assistant.wxs:
#   .ci/windows-msi.sh STAGE VERSION OUT.msi
# wixl has no <Environment> element, so the user PATH entry (added on
# install, removed on uninstall) is written into the tables with msibuild.
set -euo pipefail
stage=$1 version=$2 out=$3
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$root/assets/windows/halo-assistant.wxs" "$root/assets/windows/icon.ico" \
  "$stage/halo-assistant.exe" "$stage/halo-assistant.com" "$stage/README.txt" "$tmp/"
# wixl resolves sources relative to the current folder only.
(cd "$tmp" && wixl -a x64 -D Version="$version" -o app.msi halo-assistant.wxs)
q() { msibuild "$tmp/app.msi" -q "$1"; }
q 'CREATE TABLE `Environment` (`Environment` CHAR(72) NOT NULL, `Name` CHAR(255) NOT NULL LOCALIZABLE, `Value` CHAR(255) LOCALIZABLE, `Component_` CHAR(72) NOT NULL PRIMARY KEY `Environment`)'
# "=-": set on install, removed on uninstall; "[~];" appends to the user's Path.
q "INSERT INTO \`Environment\` (\`Environment\`, \`Name\`, \`Value\`, \`Component_\`) VALUES ('UserPath', '=-Path', '[~];[INSTALLDIR]', 'Program')"
q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) VALUES ('RemoveEnvironmentStrings', 3300)"
q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) VALUES ('WriteEnvironmentStrings', 5200)"
mv "$tmp/app.msi" "$out"
