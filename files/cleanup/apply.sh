place /etc/tmpfiles.d/origin-hls.conf 644 root root
place /etc/systemd/system/origin-hls-cleanup.service 644 root root
place /etc/systemd/system/origin-hls-cleanup.timer 644 root root
if units_changed; then systemctl daemon-reload; fi
systemctl enable --quiet origin-hls-cleanup.timer
if changed || ! systemctl is-active --quiet origin-hls-cleanup.timer; then
    systemctl restart origin-hls-cleanup.timer
fi
finish_apply
