#!/usr/bin/env bash
# System packages the test suite needs beyond the virtual environment: LibreOffice headless
# (the real spreadsheet engine that opens the generated templates) and its UNO bridge for the
# system /usr/bin/python3, and poppler's pdftoppm (a sheet LibreOffice printed to PDF, as a PNG
# a person can look at). Installs them when missing if run as root (CI); otherwise says the
# LibreOffice tests will be skipped and why, and succeeds. Called by `make test` and .ci/run.
set -euo pipefail

PACKAGES=(libreoffice-calc-nogui python3-uno poppler-utils)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for package in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$package")
  done
else  # not Debian: only what is on the machine matters
  command -v soffice >/dev/null 2>&1 || missing+=(soffice)
  /usr/bin/python3 -c 'import uno' >/dev/null 2>&1 || missing+=(python3-uno)
  command -v pdftoppm >/dev/null 2>&1 || missing+=(pdftoppm)
fi

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: ${missing[*]} missing and cannot be installed here (needs root and apt-get): the LibreOffice tests will be skipped (run 'sudo scripts/system-deps.sh' to install)."
  exit 0
fi

echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
