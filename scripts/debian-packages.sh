#!/usr/bin/env bash
# Install the Debian packages the service needs, when apt is there and we may.
# Usage: scripts/debian-packages.sh PACKAGE...
# Says clearly what it could not install; exits 0 so that `make run` goes on
# without optional parts (a missing gettext is caught later, by compilemessages).
set -uo pipefail

missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "!! apt-get is not available; please install: ${missing[*]}" >&2
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=sudo
  else
    echo "!! not root and no sudo; please install: ${missing[*]}" >&2
    exit 0
  fi
else
  SUDO=
fi

echo "==> installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null 2>&1 || echo "!! apt-get update failed; trying the cached lists" >&2
if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  for pkg in "${missing[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || echo "!! could not install $pkg" >&2
  done
fi
exit 0
