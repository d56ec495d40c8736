#!/bin/sh
# Adds "Fax with Faxbot Desktop" to the PDF menu of every macOS print dialog, for the current user
# (no admin). macOS runs the item with: title, options, path-to-spooled-PDF. The spool file is
# temporary, so it is copied first; `open -a` delivers it to the app as an `open-file` event.
set -eu
dir="$HOME/Library/PDF Services"
mkdir -p "$dir"
item="$dir/Fax with Faxbot Desktop"
cat > "$item" <<'SCRIPT'
#!/bin/sh
src="$3"
keep="$HOME/Library/Application Support/Faxbot Desktop/print-intake"
mkdir -p "$keep"
dest="$keep/$(date +%Y%m%d-%H%M%S)-$$.pdf"
cp "$src" "$dest" && exec open -a "Faxbot Desktop" "$dest"
SCRIPT
chmod +x "$item"
echo "Added: Print dialog > PDF > Fax with Faxbot Desktop"
