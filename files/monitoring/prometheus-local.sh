# The origin's own Alertmanager and Prometheus, with the configs promtool and amtool passed above.
# Alertmanager first, so the alerts of a restarted Prometheus have somewhere to go.
systemctl enable --quiet prometheus-alertmanager.service
if changed_any /etc/default/prometheus-alertmanager || ! systemctl is-active --quiet prometheus-alertmanager.service; then
    systemctl restart prometheus-alertmanager.service
elif changed_any /etc/prometheus/alertmanager.yml; then
    # Debian's unit reloads with SIGHUP (ExecReload=/bin/kill -HUP $MAINPID), which Alertmanager takes
    # as "read the config again" (https://prometheus.io/docs/alerting/0.25/configuration/); a unit
    # without ExecReload would be restarted, which loses nothing Alertmanager keeps on disk.
    systemctl reload-or-restart prometheus-alertmanager.service
fi
wait_for_tcp {{alertmanager_port}} 30
systemctl enable --quiet prometheus.service
if changed_any /etc/default/prometheus /etc/systemd/system/prometheus.service.d/origin.conf || ! systemctl is-active --quiet prometheus.service; then
    systemctl restart prometheus.service
elif changed_any /etc/prometheus/prometheus.yml /etc/prometheus/origin-rules.yml; then
    systemctl reload prometheus.service
fi
wait_for_tcp {{port}} 30
