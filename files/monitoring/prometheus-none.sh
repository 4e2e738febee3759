# No Prometheus on the origin (monitoring.prometheus.mode none): one a previous converge ran goes.
if systemctl is-enabled --quiet prometheus.service 2> /dev/null; then
    systemctl disable --now --quiet prometheus.service
    CHANGED+=(prometheus)
fi
