#!/bin/bash
# hls-storage (apply): HLS directory on tmpfs
# Rendered by the origin stack from files/hls-storage/apply.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=hls-storage
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

unit=/etc/systemd/system/var-www-hls.mount
place "$unit" 644 root root
if units_changed; then systemctl daemon-reload; fi
systemctl enable --quiet var-www-hls.mount
if ! mountpoint -q /var/www/hls; then
    # Anything already in the directory is hidden, not lost, while the tmpfs is mounted over it.
    install -d -m 755 /var/www/hls
    systemctl start var-www-hls.mount
    log "mounted tmpfs on /var/www/hls"
elif changed_any "$unit"; then
    # A tmpfs resizes in place: reloading a mount unit remounts it with the new options and
    # keeps the live channels' files.
    systemctl reload var-www-hls.mount
    log "resized tmpfs on /var/www/hls to 2683m"
fi
[[ $(findmnt -n -o FSTYPE --target /var/www/hls) == tmpfs ]] || die "/var/www/hls is not on tmpfs"
# /tmp on tmpfs, bounded (host.tmpSize): a reload remounts it with the new size, keeping its files.
# Only Debian's tmpfs unit takes these options: a /tmp line in /etc/fstab (a disk partition) would get
# them too through the generated unit, and fail to mount at the next boot.
[[ $(systemctl show --property=FragmentPath --value tmp.mount) == /usr/lib/systemd/system/tmp.mount ]] \
    || die "/tmp is not Debian's tmp.mount (masked, or a /tmp line in /etc/fstab); remove that line, or unmask tmp.mount"
place /etc/systemd/system/tmp.mount.d/origin-size.conf 644 root root
if changed_any /etc/systemd/system/tmp.mount.d/origin-size.conf; then
    systemctl daemon-reload
    if mountpoint -q /tmp; then systemctl reload tmp.mount; fi
    log "/tmp limited to 1g"
fi
finish_apply
