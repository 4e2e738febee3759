# /tmp back to Debian's limit.
remove /etc/systemd/system/tmp.mount.d/origin-size.conf
systemctl daemon-reload
if mountpoint -q /tmp; then systemctl reload tmp.mount; fi
