#!/bin/bash
# Installs {{path}} from stdin ({{what}}).
# Rendered by the origin stack from files/lib/supply.sh. The content arrives on stdin so it is
# never written to a staging file or passed on a command line; this script prints nothing of it.
set -Eeuo pipefail
umask 077
dest={{path}}
install -d -m 755 "${dest%/*}"
tmp=$(mktemp "$dest.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cat > "$tmp"
[[ -s $tmp ]] || { echo "{{path}}: nothing arrived on stdin" >&2; exit 1; }
chown {{owner}}:{{group}} "$tmp"
chmod {{mode}} "$tmp"
if [[ -f $dest ]] && cmp -s "$tmp" "$dest" && [[ $(stat -c '%a %U %G' "$dest") == "{{mode}} {{owner}} {{group}}" ]]; then
    echo "$dest unchanged"
else
    mv -f "$tmp" "$dest"
    echo "$dest installed"
fi
