#!/usr/bin/env bash
# Debian packages the tests need: Chromium for the window's e2e tests, poppler to render PDFs to
# PNG, gnome-keyring + D-Bus for the real Secret Service tests, CUPS + cups-filters (+ curl) for the
# real fax-printer test (it starts its own private cupsd), lnkinfo to read back Send To shortcuts,
# Ghostscript and libtiff-tools for SIP/Asterisk fax pages (PDF → TIFF-F, tiffinfo in tests, tiff2pdf
# for received faxes), PostgreSQL for the store tests (each run starts a throwaway cluster of its own in a
# temporary folder; the package's own cluster is not used). Idempotent; installs only what is missing.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium fonts-liberation)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
command -v gnome-keyring-daemon >/dev/null 2>&1 || need+=(gnome-keyring)
command -v dbus-run-session >/dev/null 2>&1 || need+=(dbus dbus-x11)
command -v secret-tool >/dev/null 2>&1 || need+=(libsecret-tools)
[ -x /usr/sbin/cupsd ] || need+=(cups)
[ -x /usr/lib/cups/filter/texttopdf ] && [ -x /usr/lib/cups/filter/gstopdf ] || need+=(cups-filters ghostscript)
command -v lp >/dev/null 2>&1 || need+=(cups-client cups-bsd)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v lnkinfo >/dev/null 2>&1 || need+=(liblnk-utils)
command -v gs >/dev/null 2>&1 || need+=(ghostscript)
{ command -v tiffinfo && command -v tiff2pdf; } >/dev/null 2>&1 || need+=(libtiff-tools)
compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || need+=(postgresql)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${need[*]}. Install them with: sudo apt-get install -y --no-install-recommends ${need[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
