{{place}}
{{check}}
{{watch_password}}
if units_changed; then systemctl daemon-reload; fi
for exporter in {{exporters}}; do
    systemctl enable --quiet "$exporter.service"
    reads=("/etc/default/$exporter" "/etc/systemd/system/$exporter.service.d/origin.conf")
    {{password_reader}}
    if changed_any "${reads[@]}" || ! systemctl is-active --quiet "$exporter.service"; then
        systemctl restart "$exporter.service"
    fi
done
# Exporters the config turned off since the last converge.
for exporter in {{disabled}}; do
    if systemctl is-enabled --quiet "$exporter.service" 2> /dev/null; then
        systemctl disable --now --quiet "$exporter.service"
        CHANGED+=("$exporter")
    fi
done
{{wait}}
# One collection now, so the HLS metrics exist before the timer's first run; a failing collector fails the step.
systemctl start origin-hls-metrics.service
systemctl enable --quiet --now origin-hls-metrics.timer
{{prometheus}}
finish_apply
