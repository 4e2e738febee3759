#!/bin/bash
# monitoring (apply): Prometheus exporters
# Rendered by the origin stack from files/monitoring/apply.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=monitoring
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

place /etc/default/prometheus-node-exporter 644 root root
place /etc/default/prometheus-nginx-exporter 644 root root
place /etc/default/prometheus-redis-exporter 644 root root
place /etc/systemd/system/prometheus-redis-exporter.service.d/origin.conf 644 root root
if units_changed; then systemctl daemon-reload; fi
for exporter in prometheus-node-exporter prometheus-nginx-exporter prometheus-redis-exporter; do
    systemctl enable --quiet "$exporter.service"
    if changed_any "/etc/default/$exporter" "/etc/systemd/system/$exporter.service.d/origin.conf" || ! systemctl is-active --quiet "$exporter.service"; then
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
finish_apply
