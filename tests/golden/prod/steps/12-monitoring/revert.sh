#!/bin/bash
# monitoring (revert): Prometheus exporters, HLS health metrics, alert rules
# Rendered by the origin stack from files/monitoring/revert.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=monitoring
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

begin_revert
systemctl disable --now --quiet origin-hls-metrics.timer 2> /dev/null || true
for service in prometheus-node-exporter prometheus-nginx-exporter prometheus-redis-exporter prometheus prometheus-alertmanager; do
    if systemctl is-enabled --quiet "$service.service" 2> /dev/null; then systemctl disable --now --quiet "$service.service"; fi
done
remove /etc/default/prometheus-node-exporter /etc/systemd/system/prometheus-node-exporter.service.d/origin.conf /etc/default/prometheus-nginx-exporter /etc/systemd/system/prometheus-nginx-exporter.service.d/origin.conf /etc/default/prometheus-redis-exporter /etc/systemd/system/prometheus-redis-exporter.service.d/origin.conf /usr/local/lib/origin-stack/hls-metrics.py /etc/systemd/system/origin-hls-metrics.service /etc/systemd/system/origin-hls-metrics.timer /etc/prometheus/prometheus.yml /etc/prometheus/origin-rules.yml /etc/origin-stack/monitoring/grafana-dashboard.json /etc/default/prometheus /etc/systemd/system/prometheus.service.d/origin.conf /etc/default/prometheus-alertmanager /etc/prometheus/alertmanager.yml /var/lib/prometheus/node-exporter/origin_hls.prom /var/lib/origin-hls-metrics
# Debian's own defaults come back from the packages.
apt-get install -y -qq --reinstall -o Dpkg::Options::=--force-confmiss prometheus-node-exporter prometheus-nginx-exporter prometheus-redis-exporter prometheus prometheus-alertmanager > /dev/null
systemctl daemon-reload
finish_revert
