#!/usr/bin/env bash
# The installable package, as a user gets it: installs the .deb with dpkg, starts the installed
# lading-app once under Xvfb, and waits until its window makes its first IPC call (the app logs
# it) — proof the embedded UI loaded and the backend answers. The package is removed afterwards,
# whatever happens; every wait is bounded.
set -euo pipefail
deb=${1:?usage: tests/package/deb.sh FILE.deb}
[ -f "$deb" ] || { echo "no such package: $deb" >&2; exit 2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

package=$(dpkg-deb -f "$deb" Package)
contents=$(dpkg-deb -c "$deb")
binary=$(awk '$NF ~ /^(\.\/)?usr\/bin\/./ { sub(/^\.?\/?/, "/", $NF); print $NF }' <<<"$contents" | head -n1)
[ -n "$binary" ] || { echo "$deb installs nothing under /usr/bin" >&2; exit 1; }
work=$(mktemp -d)
xvfb_pid=""
app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  as_root dpkg -r "$package" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "installing $deb ($package, $(du -h "$deb" | cut -f1))"
as_root dpkg -i "$deb" >/dev/null
dpkg -S "$binary" >/dev/null
[ -x "$binary" ] || { echo "$binary is not installed" >&2; exit 1; }

# Xvfb picks a free display itself and writes its number to fd 3.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
display=$(cat "$work/display")
[ -n "$display" ] || { echo "Xvfb did not start" >&2; cat "$work/xvfb.log" >&2; exit 1; }

started=$SECONDS
HOME=$work LADING_CONFIG_DIR=$work/config LADING_DATA_DIR=$work/data DISPLAY=:$display \
  "$binary" 2>"$work/app.log" &
app_pid=$!
until grep -q "first IPC call from the window" "$work/app.log"; do
  if ! kill -0 "$app_pid" 2>/dev/null; then
    echo "the installed app exited before its window answered:" >&2; cat "$work/app.log" >&2; exit 1
  fi
  if [ $((SECONDS - started)) -ge 60 ]; then
    echo "the installed app's window made no IPC call within 60 s:" >&2; cat "$work/app.log" >&2; exit 1
  fi
  sleep 0.2
done
echo "installed $binary: $(grep -o 'first IPC call from the window [0-9]* ms after start' "$work/app.log")"
