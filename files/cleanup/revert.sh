begin_revert
if systemctl is-enabled --quiet origin-hls-cleanup.timer 2> /dev/null; then systemctl disable --now --quiet origin-hls-cleanup.timer; fi
remove /etc/tmpfiles.d/origin-hls.conf /etc/systemd/system/origin-hls-cleanup.service /etc/systemd/system/origin-hls-cleanup.timer
systemctl daemon-reload
finish_revert
