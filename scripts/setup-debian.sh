#!/usr/bin/env bash
# Installs the system packages the test suite needs beyond Node on Debian: Chromium, for the
# real-browser test of the guest link (test/browser/). Does nothing when it is already there.
# Uses sudo only when not run as root.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root() { "$@"; }
elif command -v sudo >/dev/null 2>&1; then
  as_root() { sudo "$@"; }
else
  echo "setup-debian: /usr/bin/chromium is missing; run this script as root (or install sudo) to install it" >&2
  exit 1
fi

echo "setup-debian: installing Chromium (Debian's package)"
as_root apt-get update
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
test -x /usr/bin/chromium
