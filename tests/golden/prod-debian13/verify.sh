#!/bin/bash
# Verifies a converged origin. Rendered by the origin stack from files/verify/verify.sh.
# Run at the end of every converge (and by the VM rehearsal): the deploy fails when the origin
# would not serve. One line per check, goss-style: service, mount, kernel-param, http, limit.
set -uo pipefail
export LC_ALL=C
failures=0

check() {
    local what=$1
    shift
    if "$@" > /dev/null 2>&1; then
        echo "ok   $what"
    else
        echo "FAIL $what"
        failures=$((failures + 1))
    fi
}

service_active() { systemctl is-active --quiet "$1"; }
kernel_param() { [[ $(sysctl -n "$1" | tr -s '\t ' '  ') == "$2" ]]; }
tmpfs_size_kib() { [[ $(findmnt -n -o FSTYPE --mountpoint "$1") == tmpfs && $(findmnt -n -o OPTIONS --mountpoint "$1") == *"size=$2k"* ]]; }
http_status() { local want=$1; shift; [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$@") == "$want" ]]; }
nft_table() { nft list table "$@"; }
# metric_is URL NAME VALUE: the exporter at URL publishes NAME (no labels) with VALUE. grep reads
# the whole page (no -q): a grep that quits early would fail curl with SIGPIPE, and pipefail the check.
metric_is() { curl -s --max-time 20 "$1" | grep -x "$2 $3"; }

# Every nginx worker's open-file limit is what was configured: a failed setrlimit is only an
# alert in the error log, and nginx keeps running with the old limit (AUDIT-NOTES #8).
nginx_workers_nofile() {
    local master workers pid
    master=$(< /run/nginx/nginx.pid) || return 1
    workers=$(pgrep -P "$master") || return 1
    for pid in $workers; do
        [[ $(awk '/^Max open files/ { print $4 }' "/proc/$pid/limits") == "$1" ]] || return 1
    done
}

# The host's global addresses of one family (4 or 6), as its interfaces have them.
global_addresses() { ip -o "-$1" addr show scope global | awk '{ sub("/.*", "", $4); print $4 }'; }
# nginx answers on ADDRESS (where Cloudflare connects) as it does on loopback: its token check refuses a
# forged token with 403. An IPv6 address goes in brackets in the URL (RFC 3986 section 3.2.2).
token_check_on() {
    local address=$1 host=$2 path=$3
    [[ $address == *:* ]] && address="[$address]"
    http_status 403 -H "Host: $host" "http://$address$path"
}

redis_ping() { REDISCLI_AUTH=$(sed -n 's/^requirepass //p' /etc/redis/origin-secret.conf) redis-cli -p "$1" --no-auth-warning ping | grep -qx PONG; }
redis_refuses_anonymous() { redis-cli -p "$1" ping 2>&1 | grep -q NOAUTH; }

check 'service origin-firewall.service is active' service_active origin-firewall.service
check 'service var-www-hls.mount is active' service_active var-www-hls.mount
check 'service redis-server.service is active' service_active redis-server.service
check 'service nginx.service is active' service_active nginx.service
check 'service stream-api.service is active' service_active stream-api.service
check 'service origin-hls-cleanup.timer is active' service_active origin-hls-cleanup.timer
check 'service prometheus-node-exporter.service is active' service_active prometheus-node-exporter.service
check 'service prometheus-nginx-exporter.service is active' service_active prometheus-nginx-exporter.service
check 'service prometheus-redis-exporter.service is active' service_active prometheus-redis-exporter.service
check 'firewall table inet origin_filter is loaded' nft_table inet origin_filter
check '/var/www/hls is a tmpfs of 2683m' tmpfs_size_kib /var/www/hls 2747392
check '/tmp is a tmpfs of 1g' tmpfs_size_kib /tmp 1048576
check 'kernel-param net.core.default_qdisc = fq' kernel_param net.core.default_qdisc fq
check 'kernel-param net.core.netdev_max_backlog = 5000' kernel_param net.core.netdev_max_backlog 5000
check 'kernel-param net.core.somaxconn = 4096' kernel_param net.core.somaxconn 4096
check 'kernel-param net.ipv4.tcp_congestion_control = bbr' kernel_param net.ipv4.tcp_congestion_control bbr
check 'kernel-param net.ipv4.tcp_fin_timeout = 15' kernel_param net.ipv4.tcp_fin_timeout 15
check 'kernel-param net.ipv4.tcp_max_syn_backlog = 4096' kernel_param net.ipv4.tcp_max_syn_backlog 4096
check 'kernel-param net.ipv4.tcp_rmem = 4096 262144 8388608' kernel_param net.ipv4.tcp_rmem '4096 262144 8388608'
check 'kernel-param net.ipv4.tcp_slow_start_after_idle = 0' kernel_param net.ipv4.tcp_slow_start_after_idle 0
check 'kernel-param net.ipv4.tcp_wmem = 4096 262144 8388608' kernel_param net.ipv4.tcp_wmem '4096 262144 8388608'
check 'kernel-param vm.swappiness = 10' kernel_param vm.swappiness 10
check 'kernel-param vm.vfs_cache_pressure = 50' kernel_param vm.vfs_cache_pressure 50
check 'nginx workers may open 100000 files' nginx_workers_nofile 100000
check 'http: a playlist request with a forged token is refused by the token check (403)' http_status 403 -H 'Host: live.example.com' 'http://127.0.0.1/live/stream_0.m3u8?channel=0&verify=1000000000-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
check 'http: the token check answers on 65.108.235.165, the address of the DNS record (403)' token_check_on 65.108.235.165 live.example.com '/live/stream_0.m3u8?channel=0&verify=1000000000-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
check 'http: stub_status answers on loopback' http_status 200 http://127.0.0.1:8080/stub_status
check 'redis answers with the configured password' redis_ping 6379
check 'redis refuses clients without the password' redis_refuses_anonymous 6379
check 'http: the stream API reaches Redis with its password' http_status 200 http://127.0.0.1:5000/api/health
check 'http: node exporter serves metrics' http_status 200 http://127.0.0.1:9100/metrics
check 'http: nginx exporter serves metrics' http_status 200 http://127.0.0.1:9113/metrics
check 'http: redis exporter serves metrics' http_status 200 http://127.0.0.1:9121/metrics
check 'http: the nginx exporter reads nginx (nginx_up 1)' metric_is http://127.0.0.1:9113/metrics nginx_up 1
check 'http: the redis exporter reads redis (redis_up 1)' metric_is http://127.0.0.1:9121/metrics redis_up 1
check 'http: alertmanager is ready for the local prometheus'\''s alerts' http_status 200 http://127.0.0.1:9093/-/ready

if (( failures > 0 )); then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "origin verified"
