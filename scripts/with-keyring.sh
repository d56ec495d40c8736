#!/usr/bin/env bash
# Runs its arguments inside a private D-Bus session with an unlocked gnome-keyring (Secret Service),
# so keychain tests hit a real Secret Service without touching the user's own keyring.
# Usage: scripts/with-keyring.sh npx vitest run electron/gateway/secrets
# Needs the Debian packages dbus (dbus-run-session) and gnome-keyring; without them it runs the
# command as-is and the keychain tests skip with one line.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 command [args...]" >&2
  exit 2
fi

if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  echo "[with-keyring] dbus-run-session or gnome-keyring-daemon not installed: running without a Secret Service" >&2
  exec "$@"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/faxbot-keyring.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
mkdir -p "$scratch/home" "$scratch/data" "$scratch/runtime"
chmod 700 "$scratch/runtime"

# The keyring file lands in the scratch HOME/XDG_DATA_HOME, never the real one. Keep npm's cache
# where it was, since HOME moves.
export NPM_CONFIG_CACHE="${NPM_CONFIG_CACHE:-${HOME:-/root}/.npm}"
export HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/runtime"

# dbus prints a harmless "Failed to set fd limit" on some machines; filter only that line.
status=0
dbus-run-session -- sh -c '
  printf %s faxbot-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"
' with-keyring "$@" 2> >(grep -v --line-buffered "Failed to set fd limit" >&2) || status=$?
exit "$status"
