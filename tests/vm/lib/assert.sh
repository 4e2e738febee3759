# shellcheck shell=bash
# Assertions on the guest, in the style of goss and the NixOS test driver: each check runs a
# command in the guest and prints "ok" or "FAIL" with what it checked. A phase fails at its end
# (end_checks) if any check failed, so one run reports every broken property, not just the first.
#
# Expected values come from the rendered bundle, i.e. from the configuration: the checks look at
# what the running system does (live sysctl values, mount options, the workers' /proc limits), not
# at the files the plan wrote.
# Sourced by ../rehearse; needs guest.sh and RUN.

FAILED=0

pass() { printf '    ok    %s\n' "$1" >&2; }
fail() { printf '    FAIL  %s\n' "$1" >&2; FAILED=$((FAILED + 1)); }

# check WHAT SCRIPT: SCRIPT (bash, run in the guest) must exit 0; its output is shown on failure.
check() {
    if guest "$2" < /dev/null > "$RUN/check.out" 2>&1; then
        pass "$1"
    else
        fail "$1"
        sed 's/^/            /' "$RUN/check.out" | head -n 12 >&2
    fi
}

# succeed SCRIPT: SCRIPT must succeed; prints its output. Not a check: a step the checks rely on.
succeed() { guest "$1" < /dev/null || die "failed in the guest: $1"; }

end_checks() {
    (( FAILED == 0 )) || die "$FAILED check(s) failed in phase: $1"
}

# wait_for_unit UNIT [SECONDS]
wait_for_unit() {
    check "wait_for_unit $1" "for i in \$(seq ${2:-60}); do systemctl is-active --quiet $1 && exit 0; sleep 1; done; systemctl status --no-pager $1; exit 1"
}
service() { check "service $1 is active and enabled" "systemctl is-active --quiet $1 && systemctl is-enabled --quiet $1"; }
kernel_param() { check "kernel-param $1 = $2" "[[ \$(sysctl -n $1 | tr -s '\t ' '  ') == '$2' ]] || sysctl $1"; }
mount_size() {
    check "mount $1 is $2 with size=${3}k" \
        "findmnt -n -o FSTYPE,OPTIONS --mountpoint $1 | grep -Eq '^$2 .*(^|,)size=${3}k(,|\$)' || findmnt $1"
}
# http WHAT STATUS URL [CURL ARGS...]: a request from inside the guest gets STATUS.
http() {
    local what=$1 status=$2 url=$3
    shift 3
    check "http: $what ($status)" "code=\$(curl -s -o /dev/null -w '%{http_code}' --max-time 40 $* '$url'); [[ \$code == $status ]] || { echo \"got \$code\"; exit 1; }"
}

# --- what the bundle configures ---------------------------------------------------------------

# plan_units BUNDLE [STEP]: the long-running units of the plan (or of one step): units whose file,
# drop-in or /etc/default file a step places; a service its own timer starts is left out.
plan_units() {
    jq -r --arg step "${2:-}" '
        .steps[] | select($step == "" or .name == $step) | [.files[].path] as $paths
        | ([$paths[] | select(startswith("/etc/systemd/system/")) | ltrimstr("/etc/systemd/system/") | split("/")[0] | rtrimstr(".d")]
           + [$paths[] | select(startswith("/etc/default/")) | ltrimstr("/etc/default/") + ".service"]) | unique
        | (map(select(endswith(".timer")) | rtrimstr(".timer") + ".service")) as $triggered
        | .[] | select(. as $u | $triggered | index($u) | not)' "$1/plan.json"
}
# step_paths BUNDLE STEP: every host path the step places or is supplied.
step_paths() { jq -r --arg s "$2" '.steps[] | select(.name == $s) | (.files[].path, .supplied[].path)' "$1/plan.json"; }
sysctl_settings() { grep -hE '^[a-z]' "$1"/files/etc/sysctl.d/*.conf | sed 's/ = /=/'; }
rule_value() { sed -n "s|.*$2.*ATTR{$3}=\"\\([^\"]*\\)\".*|\\1|p" "$1"/files/etc/udev/rules.d/*.rules | head -n 1; }
conf_value() { awk -v k="$2" '$1 == k { sub(/;$/, "", $2); print $2; exit }' "$1"; }
nginx_prefix() { sed -n 's/.*--prefix=\([^ ]*\).*/\1/p' "$1"/steps/*-nginx-build/apply.sh | head -n 1; }
nginx_modules() { grep -o -- '--with-[a-z0-9_-]*' "$1"/steps/*-nginx-build/apply.sh | sort -u; }
# redis_cli BUNDLE: the command line of an authenticated redis-cli in the guest (test password).
redis_cli() { echo "REDISCLI_AUTH=$(< "$REDIS_PASSWORD_FILE") redis-cli -p $(conf_value "$1/files/etc/redis/redis.conf" port) --no-auth-warning"; }
mount_unit() { find "$1/files/etc/systemd/system" -maxdepth 1 -name '*.mount' | head -n 1; }

# --- the origin as configured ------------------------------------------------------------------

# assert_firewall: the origin's table is loaded, and a new SSH connection from the admin network gets in.
assert_firewall() {
    check "firewall: table inet origin_filter loaded, input policy drop" "nft list chain inet origin_filter input | grep -q 'policy drop'"
    if guest_new true < /dev/null; then pass "firewall: a new SSH connection from the admin network gets in"; else fail "firewall: a new SSH connection from the admin network gets in"; fi
}

# assert_kernel BUNDLE: the live value of every sysctl the plan sets.
assert_kernel() {
    local setting
    while IFS= read -r setting; do kernel_param "${setting%%=*}" "${setting#*=}"; done < <(sysctl_settings "$1")
}

# assert_disks BUNDLE: the udev rules' schedulers by the member disk's class, read-ahead on the array.
assert_disks() {
    local rot ssd ra
    rot=$(rule_value "$1" 'rotational}=="1"' queue/scheduler)
    ssd=$(rule_value "$1" 'rotational}=="0"' queue/scheduler)
    ra=$(rule_value "$1" 'KERNEL=="md\*"' bdi/read_ahead_kb)
    check "md array with two member disks" "[[ \$(ls /sys/block/md0/slaves | wc -l) == 2 ]]"
    check "scheduler on each md member disk: $rot if rotational, $ssd if not" \
        "for d in \$(ls /sys/block/md0/slaves); do want=\$( [[ \$(< /sys/block/\$d/queue/rotational) == 1 ]] && echo $rot || echo $ssd ); grep -q \"\\[\$want\\]\" /sys/block/\$d/queue/scheduler || { echo \"\$d: \$(< /sys/block/\$d/queue/scheduler)\"; exit 1; }; done"
    check "read-ahead of md0 is $ra KiB" "[[ \$(< /sys/block/md0/bdi/read_ahead_kb) == $ra ]] || cat /sys/block/md0/bdi/read_ahead_kb"
}

# assert_mounts BUNDLE: the HLS tmpfs at its computed size, and /tmp at its limit where the plan sets one.
assert_mounts() {
    local mount dir size
    mount=$(mount_unit "$1")
    dir=$(sed -n 's/^Where=//p' "$mount")
    size=$(sed -n 's/^Options=.*size=\([0-9]*\)k.*/\1/p' "$mount")
    mount_size "$dir" tmpfs "$size"
    check "$dir holds ${size} KiB (df)" "[[ \$(df -k --output=size $dir | tail -n 1 | tr -d ' ') == $size ]]"
    if [[ -f $1/files/etc/systemd/system/tmp.mount.d/origin-size.conf ]]; then
        size=$(sed -n 's/^Options=.*size=\([0-9]*\)k.*/\1/p' "$1/files/etc/systemd/system/tmp.mount.d/origin-size.conf")
        mount_size /tmp tmpfs "$size"
    fi
}

# assert_userland BUNDLE CHANNEL: what needs no kernel of its own: services, mounts, nginx, Redis,
# the firewall table, and a cold channel served end to end. The containers check this much.
assert_userland() {
    local bundle=$1 channel=$2 unit setting prefix conf rlimit redis_conf port policy
    for unit in $(plan_units "$bundle"); do service "$unit"; done
    check "no failed units" "[[ -z \$(systemctl list-units --failed --plain --no-legend) ]] || systemctl list-units --failed --no-pager"
    assert_mounts "$bundle"

    prefix=$(nginx_prefix "$bundle")
    conf=$(find "$bundle/files$prefix" -maxdepth 1 -name nginx.conf)
    check "nginx master runs $prefix/sbin/nginx" "[[ \$(readlink /proc/\$(< /run/nginx/nginx.pid)/exe) == $prefix/sbin/nginx ]]"
    check "nginx -V: version $NGINX_VERSION" "$prefix/sbin/nginx -v 2>&1 | grep -q 'nginx/$NGINX_VERSION\$'"
    for setting in $(nginx_modules "$bundle"); do
        check "nginx -V: $setting" "$prefix/sbin/nginx -V 2>&1 | grep -q -- '$setting'"
    done
    rlimit=$(conf_value "$conf" worker_rlimit_nofile)
    check "every nginx worker may open $rlimit files (soft and hard)" \
        "w=\$(pgrep -P \$(< /run/nginx/nginx.pid)); [[ -n \$w ]] && for p in \$w; do awk '/^Max open files/ { exit !(\$4 == $rlimit && \$5 == $rlimit) }' /proc/\$p/limits || { grep 'open files' /proc/\$p/limits; exit 1; }; done"

    redis_conf=$bundle/files/etc/redis/redis.conf
    port=$(conf_value "$redis_conf" port)
    policy=$(conf_value "$redis_conf" maxmemory-policy)
    check "redis maxmemory-policy is $policy" "[[ \$($(redis_cli "$bundle") config get maxmemory-policy | tail -n 1) == $policy ]]"
    check "redis listens on loopback only" "ss -Hltn 'sport = :$port' | awk '{ print \$4 }' | grep -Ev '^(127\\.0\\.0\\.1|\\[::1\\]):' && exit 1; ss -Hltn 'sport = :$port' | grep -q ."
    check "redis refuses a client without the password" "redis-cli -p $port ping 2>&1 | grep -q NOAUTH"
    check "redis answers with the password" "[[ \$($(redis_cli "$bundle") ping) == PONG ]]"

    check "firewall: table inet origin_filter loaded, input policy drop" "nft list chain inet origin_filter input | grep -q 'policy drop'"
    # Each release's exporters take the rendered flags as they are (nginx's 1.x maps single-dash ones with a warning).
    for unit in $(plan_units "$bundle" monitoring); do
        check "$unit logs no deprecated flag" "! journalctl -b --no-pager -o cat -u $unit | grep -i deprecat"
    done

    assert_cold_channel "$bundle" "$channel"
}

# assert_cold_channel BUNDLE CHANNEL: a viewer's first playlist request for a channel that is not
# running starts it, through nginx (token check, @start_stream) and the API, and gets a playlist.
# The token is the API's own (POST /token/<id> on loopback), sent as the edge's rewrite hands it on.
assert_cold_channel() {
    local bundle=$1 channel=$2 token query url dir prefix playlist api
    dir=$(sed -n 's/^HLS_DIR=//p' "$bundle/files/etc/origin-stack/stream-api.env")
    prefix=$(sed -n 's/^HLS_PLAYLIST_PREFIX=//p' "$bundle/files/etc/origin-stack/stream-api.env")
    url=http://127.0.0.1$(sed -n 's/^HLS_URL_PREFIX=//p' "$bundle/files/etc/origin-stack/stream-api.env")
    api=$(grep -o -m 1 '127\.0\.0\.1:[0-9]*' "$bundle/files/etc/systemd/system/stream-api.service")
    playlist=$prefix$channel.m3u8
    check "channel $channel is cold (no playlist yet)" "[[ ! -e $dir/$playlist ]]"
    token=$(guest "curl -sf -X POST http://$api/token/$channel" < /dev/null | jq -r .token) || die "the API issued no token"
    query="channel=$channel&verify=$token"
    # shellcheck disable=SC2034
    CHANNEL_URL="$url$playlist?$query"   # for later checks on the same channel (rehearse)
    http "a token for another channel is refused" 403 "$url$playlist?channel=$channel&verify=$(guest "curl -sf -X POST http://$api/token/9$channel" < /dev/null | jq -r .token)"
    check "http: cold channel $channel: playlist through nginx" \
        "curl -sf --max-time 40 -D /tmp/headers -o /tmp/playlist '$url$playlist?$query' && grep -q '^#EXTM3U' /tmp/playlist && grep -q '^#EXTINF' /tmp/playlist || { cat /tmp/headers /tmp/playlist; exit 1; }"
    check "http: its first segment through nginx (video/mp2t)" \
        "segment=\$(grep -v '^#' /tmp/playlist | head -n 1); curl -sf --max-time 20 -o /dev/null -w '%{content_type}' '$url'\$segment'?$query' | grep -q video/mp2t"
    http "a segment without a token is refused" 403 "$url$prefix${channel}_0.ts"
    check "the playlist is now on the tmpfs" "[[ -s $dir/$playlist ]]"
}

# --- idempotence and change ----------------------------------------------------------------------

# snapshot BUNDLE FILE: every file under /etc, /opt and the stack's state (path, mode, owner,
# checksum), and the identity of every plan unit (InvocationID changes on any restart) and of
# nginx's workers (they change on a reload). Not the rollback directory: every run of a step
# starts it afresh, it is that run's scratch space.
snapshot() {
    local units
    units=$(plan_units "$1" | tr '\n' ' ')
    guest < /dev/null "set -euo pipefail
        files() { find /etc /opt /var/lib/origin-stack -xdev -path /var/lib/origin-stack/rollback -prune -o \"\$@\"; }
        files \\( -type f -o -type l \\) -printf '%p %m %u:%g %l\\n' | sort
        files -type f -exec sha256sum {} + | awk '{ print \$2, \$1 }' | sort
        for u in $units; do echo \"unit \$u \$(systemctl show --value -p InvocationID,ActiveEnterTimestamp,MainPID \$u | paste -sd' ')\"; done
        if [[ -f /run/nginx/nginx.pid ]]; then echo \"nginx-workers \$(pgrep -P \$(< /run/nginx/nginx.pid) | sort | paste -sd' ')\"; fi" > "$2"
}
