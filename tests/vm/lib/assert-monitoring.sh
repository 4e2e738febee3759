# shellcheck shell=bash
# Checks of the monitoring step on the converged guest: the exporters and the HLS collector run
# sandboxed under systemd, the node exporter publishes the collector's metrics, and Prometheus
# scrapes every exporter and has the alert rules loaded. Expected values come from the bundle.
# Sourced by ../../containers/converge (source_assert_topics in stack.sh), on each release, after
# assert.sh (check, service, http); needs guest.sh and RUN. The VM no longer runs these services.

# default_arg BUNDLE PACKAGE OPTION: the value of --OPTION=... in the rendered /etc/default/PACKAGE.
default_arg() { grep -o -- "--$3=[^ \"]*" "$1/files/etc/default/$2" | head -n 1 | cut -d= -f2-; }

# The guest reads Prometheus's JSON with python3, which the plan installs; a fresh host has no jq.
# prometheus_query PORT PROMQL: a guest command printing how many series the instant query returns.
prometheus_query() {
    printf "curl -sf --max-time 10 --data-urlencode 'query=%s' http://127.0.0.1:%s/api/v1/query | python3 -c 'import json, sys; print(len(json.load(sys.stdin)[\"data\"][\"result\"]))'" "$2" "$1"
}

# assert_monitoring BUNDLE
assert_monitoring() {
    local bundle=$1 node textfile prometheus unit jobs rules interval
    node=$(default_arg "$bundle" prometheus-node-exporter web.listen-address)
    node=${node##*:}
    textfile=$(default_arg "$bundle" prometheus-node-exporter collector.textfile.directory)
    interval=$(sed -n 's/^OnUnitActiveSec=//p' "$bundle/files/etc/systemd/system/origin-hls-metrics.timer")

    service origin-hls-metrics.timer
    check "origin-hls-metrics.service: its last run succeeded" \
        "[[ \$(systemctl show -p Result --value origin-hls-metrics.service) == success ]] || journalctl -u origin-hls-metrics.service -n 20 --no-pager"
    check "origin-hls-metrics.timer runs it every $interval" \
        "sleep 3; t1=\$(systemctl show -p ExecMainStartTimestampMonotonic --value origin-hls-metrics.service); sleep \$(( ${interval%s} + 2 )); t2=\$(systemctl show -p ExecMainStartTimestampMonotonic --value origin-hls-metrics.service); (( t2 > t1 ))"
    # The units this step adds or hardens; Debian's exporter units are another matter.
    for unit in origin-hls-metrics.service $([[ -f $bundle/files/etc/default/prometheus ]] && echo prometheus.service); do
        check "$unit is sandboxed (systemd-analyze security at most 2.5)" \
            "systemd-analyze security --threshold=25 $unit > /tmp/security.out 2>&1 || { tail -n 25 /tmp/security.out; exit 1; }"
    done
    check "the collector holds no capability but CAP_DAC_READ_SEARCH" \
        "[[ \$(systemctl show -p CapabilityBoundingSet --value origin-hls-metrics.service) == cap_dac_read_search ]]"
    check "$textfile/origin_hls.prom is fresh (written within 3 x $interval)" \
        "(( \$(date +%s) - \$(stat -c %Y $textfile/origin_hls.prom) <= 3 * ${interval%s} ))"
    http "node exporter on :$node" 200 "http://127.0.0.1:$node/metrics"
    check "the node exporter publishes the HLS metrics, with no textfile error" \
        "curl -sf http://127.0.0.1:$node/metrics > /tmp/node.metrics && grep -q '^origin_hls_channels ' /tmp/node.metrics && grep -q '^node_textfile_scrape_error 0' /tmp/node.metrics"
    # Under its sandbox a denied system call fails with EPERM (SystemCallErrorNumber=): the collector
    # that made it fails and the exporter logs 'msg="collector failed"' (node_exporter's
    # collector/collector.go; a collector that finds no hardware also reports success 0, but only
    # at debug level, as does timex when adjtimex is refused: in a container, systemd-nspawn's own
    # filter refuses it to every service, so the VM shows the call itself: assert_exporter_clock).
    check "no node exporter collector failed under the sandbox" \
        "! journalctl -b -u prometheus-node-exporter.service --no-pager | grep 'msg=\"collector failed\"'"
    check "the node exporter's system call filter, as systemd merged it, allows adjtimex" \
        "systemctl show -p SystemCallFilter --value prometheus-node-exporter.service | tr ' ' '\\n' | grep -qx adjtimex"

    [[ -f $bundle/files/etc/default/prometheus ]] || return 0
    prometheus=$(default_arg "$bundle" prometheus web.listen-address)
    prometheus=${prometheus##*:}
    service prometheus.service
    http "Prometheus ready on :$prometheus" 200 "http://127.0.0.1:$prometheus/-/ready"
    jobs=$(grep -c 'job_name:' "$bundle/files/etc/prometheus/prometheus.yml")
    rules=$(grep -c -- '- alert:' "$bundle/files/etc/prometheus/origin-rules.yml")
    # The first scrape comes within one scrape interval of the start; allow a minute.
    check "Prometheus scrapes all $jobs jobs and each is up" \
        "for i in \$(seq 30); do [[ \$($(prometheus_query "$prometheus" 'up == 1')) == $jobs ]] && exit 0; sleep 2; done; curl -s http://127.0.0.1:$prometheus/api/v1/targets; exit 1"
    check "Prometheus has the collector's metrics" \
        "[[ \$($(prometheus_query "$prometheus" 'origin_hls_collector_last_run_timestamp_seconds')) == 1 ]]"
    check "Prometheus has the $rules alert rules loaded" \
        "[[ \$(curl -sf http://127.0.0.1:$prometheus/api/v1/rules | python3 -c 'import json, sys; print(sum(r[\"type\"] == \"alerting\" for g in json.load(sys.stdin)[\"data\"][\"groups\"] for r in g[\"rules\"]))') == $rules ]]"
}
