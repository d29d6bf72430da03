#!/bin/sh
# Install the Debian packages named as arguments when they are missing.
# As root: apt-get installs them. Otherwise: say exactly what to run, and fail.
missing=""
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages:$missing"
  apt-get update -qq || exit 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null || exit 1
else
  echo "missing Debian packages:$missing" >&2
  echo "install them with:  sudo apt-get install$missing" >&2
  exit 1
fi
