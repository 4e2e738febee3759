# /tmp on tmpfs, bounded (host.tmpSize): a reload remounts it with the new size, keeping its files.
# Only Debian's tmpfs unit takes these options: a /tmp line in /etc/fstab (a disk partition) would get
# them too through the generated unit, and fail to mount at the next boot.
[[ $(systemctl show --property=FragmentPath --value tmp.mount) == /usr/lib/systemd/system/tmp.mount ]] \
    || die "/tmp is not Debian's tmp.mount (masked, or a /tmp line in /etc/fstab); remove that line, or unmask tmp.mount"
place /etc/systemd/system/tmp.mount.d/origin-size.conf 644 root root
if changed_any /etc/systemd/system/tmp.mount.d/origin-size.conf; then
    systemctl daemon-reload
    if mountpoint -q /tmp; then systemctl reload tmp.mount; fi
    log "/tmp limited to {{size}}"
fi
