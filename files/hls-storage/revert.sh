begin_revert
# Unmounting drops every live channel's files; stop what writes there first.
if systemctl is-active --quiet stream-api.service; then die "stop stream-api.service before removing the HLS tmpfs"; fi
if mountpoint -q {{dir}}; then systemctl stop {{unit}}; fi
if systemctl is-enabled --quiet {{unit}} 2> /dev/null; then systemctl disable --quiet {{unit}}; fi
remove /etc/systemd/system/{{unit}}
systemctl daemon-reload
{{tmp}}
finish_revert
