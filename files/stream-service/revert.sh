begin_revert
if systemctl is-active --quiet stream-api.service; then systemctl stop stream-api.service; fi
if systemctl is-enabled --quiet stream-api.service 2> /dev/null; then systemctl disable --quiet stream-api.service; fi
remove /etc/systemd/system/stream-api.service /etc/origin-stack/stream-api.env {{install_dir}}
systemctl daemon-reload
finish_revert
