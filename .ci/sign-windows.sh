#!/usr/bin/env bash
# Authenticode-signs Windows files in place with osslsigncode when a
# certificate is given, else does nothing:
#   SIGN_CERT + SIGN_KEY (PEM)  or  SIGN_PKCS12 (.pfx/.p12), SIGN_PASS if
#   the key has a passphrase, SIGN_TIMESTAMP_URL optional.
#   .ci/sign-windows.sh FILE…
# The passphrase reaches osslsigncode through a private file, never argv.
set -euo pipefail
args=()
if [ -n "${SIGN_PKCS12:-}" ]; then
  args=(-pkcs12 "$SIGN_PKCS12")
elif [ -n "${SIGN_CERT:-}" ] && [ -n "${SIGN_KEY:-}" ]; then
  args=(-certs "$SIGN_CERT" -key "$SIGN_KEY")
elif [ -n "${SIGN_CERT:-}${SIGN_KEY:-}" ]; then
  echo "sign: set both SIGN_CERT and SIGN_KEY (or SIGN_PKCS12)" >&2; exit 1
else
  exit 0
fi
passfile=""
trap '[ -n "$passfile" ] && rm -f "$passfile"' EXIT
if [ -n "${SIGN_PASS:-}" ]; then
  passfile=$(mktemp); chmod 600 "$passfile"; printf '%s' "$SIGN_PASS" >"$passfile"
  args+=(-readpass "$passfile")
fi
if [ -n "${SIGN_TIMESTAMP_URL:-}" ]; then args+=(-ts "$SIGN_TIMESTAMP_URL"); fi
for f in "$@"; do
  rm -f "$f.signed"
  if ! osslsigncode sign "${args[@]}" -h sha256 -n "Halo Integration Assistant" \
    -i https://github.com/halo-assistant/halo-assistant -in "$f" -out "$f.signed" >/dev/null; then
    rm -f "$f.signed"; echo "sign: signing $f failed" >&2; exit 1
  fi
  mv "$f.signed" "$f"
  echo "sign: signed $(basename "$f")"
done
