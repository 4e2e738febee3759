#!/bin/bash
# monitoring (revert): Prometheus exporters
# Rendered by the origin stack from files/monitoring/revert.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=monitoring
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

begin_revert
for exporter in prometheus-node-exporter prometheus-nginx-exporter prometheus-redis-exporter; do
    if systemctl is-enabled --quiet "$exporter.service" 2> /dev/null; then systemctl disable --now --quiet "$exporter.service"; fi
done
remove /etc/default/prometheus-node-exporter /etc/default/prometheus-nginx-exporter /etc/default/prometheus-redis-exporter /etc/systemd/system/prometheus-redis-exporter.service.d/origin.conf
# Debian's own defaults come back from the packages.
apt-get install -y -qq --reinstall -o Dpkg::Options::=--force-confmiss prometheus-node-exporter prometheus-nginx-exporter prometheus-redis-exporter > /dev/null
systemctl daemon-reload
finish_revert
