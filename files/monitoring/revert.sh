begin_revert
systemctl disable --now --quiet origin-hls-metrics.timer 2> /dev/null || true
for service in {{exporters}}; do
    if systemctl is-enabled --quiet "$service.service" 2> /dev/null; then systemctl disable --now --quiet "$service.service"; fi
done
remove {{files}} /var/lib/prometheus/node-exporter/origin_hls.prom /var/lib/origin-hls-metrics
# Debian's own defaults come back from the packages.
apt-get install -y -qq --reinstall -o Dpkg::Options::=--force-confmiss {{exporters}} > /dev/null
systemctl daemon-reload
finish_revert
