# No Prometheus on the origin (monitoring.prometheus.mode none): the one and its Alertmanager a
# previous converge ran go.
for service in prometheus.service prometheus-alertmanager.service; do
    if systemctl is-enabled --quiet "$service" 2> /dev/null; then
        systemctl disable --now --quiet "$service"
        CHANGED+=("$service")
    fi
done
