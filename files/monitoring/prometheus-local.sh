# The origin's own Prometheus, with the config and rules promtool passed above.
systemctl enable --quiet prometheus.service
if changed_any /etc/default/prometheus /etc/systemd/system/prometheus.service.d/origin.conf || ! systemctl is-active --quiet prometheus.service; then
    systemctl restart prometheus.service
elif changed_any /etc/prometheus/prometheus.yml /etc/prometheus/origin-rules.yml; then
    systemctl reload prometheus.service
fi
wait_for_tcp {{port}} 30
