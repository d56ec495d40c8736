#!/bin/sh
# npm run printer:install (as root, once): adds the "Faxbot" fax printer to CUPS. Any program can
# print PDF, PostScript or text to it; CUPS's filters turn every job into PDF (faxbot.ppd) and the
# faxbot backend delivers it to the gateway of the user who printed. Honours CUPS_SERVER.
# Undo: npm run printer:uninstall
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" -ne 0 ]; then
  echo "The fax printer is a system printer: run this once as root (sudo npm run printer:install)." >&2
  exit 1
fi
for tool in lpadmin cupsd; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || {
    echo "CUPS is not installed (Debian/Ubuntu: apt-get install cups cups-filters)." >&2
    exit 1
  }
done
case "$(uname -s)" in
  Darwin) serverbin=/usr/libexec/cups ;;
  *) serverbin=$(cups-config --serverbin 2>/dev/null || echo /usr/lib/cups) ;;
esac
[ -x "$serverbin/filter/pdftopdf" ] || echo "Warning: cups-filters (pdftopdf, texttopdf, gstopdf) not found; text and PostScript jobs will fail." >&2
install -d -m 0755 /usr/local/libexec/faxbot-desktop
install -m 0755 "$here/faxbot-deliver" /usr/local/libexec/faxbot-desktop/faxbot-deliver
# No group/other execute bit: CUPS runs such a backend as root, which it needs to become the user.
install -m 0700 "$here/faxbot" "$serverbin/backend/faxbot"
lpadmin -p Faxbot -E -v faxbot:/ -P "$here/faxbot.ppd" -D "Fax (Faxbot Desktop)" -L "This computer" \
  -o printer-error-policy=abort-job -o printer-is-shared=false 2>&1 | grep -v -i 'deprecated' >&2 || true
lpstat -v Faxbot >/dev/null 2>&1 || { echo "lpadmin could not add the Faxbot printer." >&2; exit 1; }
echo "Printer 'Faxbot' added. Print to it from any program; the document opens in Faxbot Desktop's window."
