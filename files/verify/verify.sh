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
    master=$(< {{nginx_pid_file}}) || return 1
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

{{checks}}

if (( failures > 0 )); then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "origin verified"
