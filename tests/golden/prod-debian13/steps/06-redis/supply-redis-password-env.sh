#!/bin/bash
# Installs /etc/origin-stack/redis-password.env from stdin (the Redis password, for the API and the exporter).
# Rendered by the origin stack from files/lib/supply.sh. The content arrives on stdin so it is
# never written to a staging file or passed on a command line; this script prints nothing of it.
set -Eeuo pipefail
umask 077
dest=/etc/origin-stack/redis-password.env
install -d -m 755 "${dest%/*}"
tmp=$(mktemp "$dest.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cat > "$tmp"
[[ -s $tmp ]] || { echo "/etc/origin-stack/redis-password.env: nothing arrived on stdin" >&2; exit 1; }
chown root:root "$tmp"
chmod 600 "$tmp"
if [[ -f $dest ]] && cmp -s "$tmp" "$dest" && [[ $(stat -c '%a %U %G' "$dest") == "600 root root" ]]; then
    echo "$dest unchanged"
else
    mv -f "$tmp" "$dest"
    echo "$dest installed"
fi
