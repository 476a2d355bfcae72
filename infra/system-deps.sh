#!/bin/sh
# Debian packages the product and its tests need; installs only what is missing.
#   chromium: browser tests (Playwright drives Debian's chromium, never a downloaded one)
#   wrk: HTTP load for the benchmarks
#   fonts-noto-core: Vietnamese glyphs for PDFs; libpango: weasyprint
set -e
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || missing="$missing libpango-1.0-0 libpangoft2-1.0-0"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "Thiếu gói hệ thống:$missing — hãy cài bằng apt-get (cần quyền root). Browser tests will be skipped." >&2
  exit 0
fi
echo "Cài gói hệ thống:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
