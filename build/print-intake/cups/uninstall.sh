#!/bin/sh
# npm run printer:uninstall (as root): removes the "Faxbot" printer and its backend. Jobs already
# in users' spools (~/.faxbot-desktop/print/spool) are left for their gateways to take.
set -eu
if [ "$(id -u)" -ne 0 ]; then
  echo "Run this as root (sudo npm run printer:uninstall)." >&2
  exit 1
fi
case "$(uname -s)" in
  Darwin) serverbin=/usr/libexec/cups ;;
  *) serverbin=$(cups-config --serverbin 2>/dev/null || echo /usr/lib/cups) ;;
esac
if lpstat -v Faxbot >/dev/null 2>&1; then lpadmin -x Faxbot; fi
rm -f "$serverbin/backend/faxbot" /usr/local/libexec/faxbot-desktop/faxbot-deliver
rmdir /usr/local/libexec/faxbot-desktop 2>/dev/null || true
echo "Printer 'Faxbot' removed."
