#!/bin/bash
# monitoring (apply): Prometheus exporters, HLS health metrics, alert rules
# Rendered by the origin stack from files/monitoring/apply.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=monitoring
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

place /etc/default/prometheus-node-exporter 644 root root
place /etc/systemd/system/prometheus-node-exporter.service.d/origin.conf 644 root root
place /etc/default/prometheus-nginx-exporter 644 root root
place /etc/systemd/system/prometheus-nginx-exporter.service.d/origin.conf 644 root root
place /etc/default/prometheus-redis-exporter 644 root root
place /etc/systemd/system/prometheus-redis-exporter.service.d/origin.conf 644 root root
place /usr/local/lib/origin-stack/hls-metrics.py 755 root root
place /etc/systemd/system/origin-hls-metrics.service 644 root root
place /etc/systemd/system/origin-hls-metrics.timer 644 root root
place /etc/prometheus/prometheus.yml 644 root root
place /etc/prometheus/origin-rules.yml 644 root root
place /etc/origin-stack/monitoring/grafana-dashboard.json 644 root root
place /etc/default/prometheus 644 root root
place /etc/systemd/system/prometheus.service.d/origin.conf 644 root root
place /etc/default/prometheus-alertmanager 644 root root
place /etc/prometheus/alertmanager.yml 640 root prometheus
promtool check config --lint=none /etc/prometheus/prometheus.yml > /dev/null
amtool check-config /etc/prometheus/alertmanager.yml > /dev/null
watch /etc/origin-stack/redis-password.env
if units_changed; then systemctl daemon-reload; fi
for exporter in prometheus-node-exporter prometheus-nginx-exporter prometheus-redis-exporter; do
    systemctl enable --quiet "$exporter.service"
    reads=("/etc/default/$exporter" "/etc/systemd/system/$exporter.service.d/origin.conf")
    # The Redis exporter logs in with the password the redis step supplies: a rotation restarts it.
    if [[ $exporter == prometheus-redis-exporter ]]; then reads+=(/etc/origin-stack/redis-password.env); fi
    if changed_any "${reads[@]}" || ! systemctl is-active --quiet "$exporter.service"; then
        systemctl restart "$exporter.service"
    fi
done
# Exporters the config turned off since the last converge.
for exporter in ; do
    if systemctl is-enabled --quiet "$exporter.service" 2> /dev/null; then
        systemctl disable --now --quiet "$exporter.service"
        CHANGED+=("$exporter")
    fi
done
wait_for_tcp 9100 15
wait_for_tcp 9113 15
wait_for_tcp 9121 15
# One collection now, so the HLS metrics exist before the timer's first run; a failing collector fails the step.
systemctl start origin-hls-metrics.service
systemctl enable --quiet --now origin-hls-metrics.timer
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
wait_for_tcp 9093 30
systemctl enable --quiet prometheus.service
if changed_any /etc/default/prometheus /etc/systemd/system/prometheus.service.d/origin.conf || ! systemctl is-active --quiet prometheus.service; then
    systemctl restart prometheus.service
elif changed_any /etc/prometheus/prometheus.yml /etc/prometheus/origin-rules.yml; then
    systemctl reload prometheus.service
fi
wait_for_tcp 9090 30
finish_apply
