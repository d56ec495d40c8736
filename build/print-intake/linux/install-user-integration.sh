#!/bin/sh
# Per-user "Open With" and a Nautilus "Send as fax" script for AppImage installs (deb installs get the
# desktop entry from the package). No root needed. Usage: install-user-integration.sh /path/to/Faxbot.AppImage
set -eu
app="${1:?usage: $0 /path/to/Faxbot-Desktop.AppImage}"
here=$(cd "$(dirname "$0")" && pwd)
data="${XDG_DATA_HOME:-$HOME/.local/share}"
mkdir -p "$data/applications" "$data/nautilus/scripts"
# The template's Exec is replaced by the AppImage path, quoted for the desktop-entry spec.
sed "s|^Exec=.*|Exec=\"$app\" %F|" "$here/faxbot-desktop.desktop" > "$data/applications/faxbot-desktop.desktop"
cat > "$data/nautilus/scripts/Send as fax" <<SCRIPT
#!/bin/sh
exec "$app" "\$@"
SCRIPT
chmod +x "$data/nautilus/scripts/Send as fax"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
echo "Faxbot Desktop now appears under Open With for PDFs, and in Files under Scripts > Send as fax."
