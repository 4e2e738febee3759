#!/bin/bash
# Installs /etc/origin-stack/token-keys from stdin (the viewer-token keys, for nginx's token check and the API that issues tokens).
# Rendered by the origin stack from files/lib/supply.sh. The content arrives on stdin so it is
# never written to a staging file or passed on a command line; this script prints nothing of it.
set -Eeuo pipefail
umask 077
dest=/etc/origin-stack/token-keys
install -d -m 755 "${dest%/*}"
tmp=$(mktemp "$dest.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cat > "$tmp"
[[ -s $tmp ]] || { echo "/etc/origin-stack/token-keys: nothing arrived on stdin" >&2; exit 1; }
chown root:streamapi "$tmp"
chmod 640 "$tmp"
if [[ -f $dest ]] && cmp -s "$tmp" "$dest" && [[ $(stat -c '%a %U %G' "$dest") == "640 root streamapi" ]]; then
    echo "$dest unchanged"
else
    mv -f "$tmp" "$dest"
    echo "$dest installed"
fi
