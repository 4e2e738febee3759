# /tmp on tmpfs, bounded (host.tmpSize): a reload remounts it with the new size, keeping its files.
place /etc/systemd/system/tmp.mount.d/origin-size.conf 644 root root
if changed_any /etc/systemd/system/tmp.mount.d/origin-size.conf; then
    systemctl daemon-reload
    if mountpoint -q /tmp; then systemctl reload tmp.mount; fi
    log "/tmp limited to {{size}}"
fi
