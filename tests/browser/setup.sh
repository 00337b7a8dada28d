#!/bin/sh
# Installs Debian's Chromium and its WebDriver for the browser tests, once (idempotent).
# Needs root (CI and the project's machines run as root). Called by `make test`.
set -eu
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "tests/browser/setup.sh: chromium is missing; run as root: apt-get install -y chromium chromium-driver" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
