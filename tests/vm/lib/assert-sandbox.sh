# shellcheck shell=bash
# The sandboxed units under real systemd (issue 10): each still does its job with its sandbox on,
# and each scores an exposure of 2.5 or less as the guest's systemd loads it, drop-ins included.
# The loopback end-to-end tests cannot show this: their box runs the units without systemd.
# Sourced by ../../containers/converge (source_assert_topics in stack.sh), on each release; needs
# assert.sh (check, service, http, succeed), guest.sh and RUN. The VM no longer runs these services.

# sandboxed_services BUNDLE: every service the plan writes a unit or a drop-in for.
sandboxed_services() {
    jq -r '[.steps[].files[].path | select(startswith("/etc/systemd/system/")) | ltrimstr("/etc/systemd/system/")
            | split("/")[0] | rtrimstr(".d") | select(endswith(".service"))] | unique | .[]' "$1/plan.json"
}

# assert_sandbox BUNDLE
assert_sandbox() {
    local bundle=$1 unit prefix conf status_port rule hls user age probe
    prefix=$(nginx_prefix "$bundle")
    conf=$bundle/files$prefix/nginx.conf
    status_port=$(sed -n 's/^ *listen 127\.0\.0\.1:\([0-9]*\);/\1/p' "$conf" | head -n 1)
    # d <dir> <mode> <user> <group> m:<age>s, the cleanup rule.
    rule=$(grep '^d ' "$bundle/files/etc/tmpfiles.d/origin-hls.conf")
    read -r _ hls _ user _ age <<< "$rule"
    age=${age#m:}
    age=${age%s}

    for unit in $(sandboxed_services "$bundle"); do
        check "sandbox: $unit exposure at most 2.5 (systemd-analyze security)" \
            "systemd-analyze security --no-pager --threshold=25 $unit > /dev/null || systemd-analyze security --no-pager $unit | tail -n 1"
        # A oneshot its timer starts is not active between runs: the cleanup is run below, the HLS
        # collector's runs are checked by assert_monitoring.
        [[ -f $bundle/files/etc/systemd/system/${unit%.service}.timer ]] || service "$unit"
    done
    guest "for u in $(sandboxed_services "$bundle" | tr '\n' ' '); do systemd-analyze security --no-pager \$u | tail -n 1; done" < /dev/null | sed 's/^/    /' >&2

    # nginx: a reload starts new workers (the master re-reads its config and logs as root, sandboxed)
    # and keeps serving.
    check "sandbox: nginx reload starts new workers and keeps serving" \
        "old=\$(pgrep -P \$(< /run/nginx/nginx.pid) | sort); systemctl reload nginx.service || exit 1
         for i in \$(seq 30); do new=\$(pgrep -P \$(< /run/nginx/nginx.pid) | sort)
             [[ -n \$new && -z \$(comm -12 <(echo \"\$old\") <(echo \"\$new\")) ]] && break; sleep 1; done
         [[ -z \$(comm -12 <(echo \"\$old\") <(echo \"\$new\")) ]] || { echo \"old workers still running: \$old / \$new\"; exit 1; }
         [[ \$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$status_port/stub_status) == 200 ]]"

    # Log rotation: logrotate renames the log and signals USR1; the master creates the new file and
    # chowns it to the workers' user (CAP_CHOWN), and a later reload opens that file again
    # (CAP_DAC_OVERRIDE). A request before lands in the rotated file, one after in the new file.
    # (The access log is written every 5 s: flush=5s.)
    probe=/sandbox-probe-$RANDOM$RANDOM
    check "sandbox: logrotate -f moves the access log, the next request is logged in the new one, nginx still reloads" \
        "logged() { for i in \$(seq 20); do grep -q \"\$1\" /var/log/nginx/access.log && return 0; sleep 1; done; ls -l /var/log/nginx; return 1; }
         curl -s -o /dev/null http://127.0.0.1${probe}-before; logged ${probe}-before || exit 1
         logrotate -f /etc/logrotate.d/origin-nginx || exit 1
         grep -q ${probe}-before /var/log/nginx/access.log.1 || { ls -l /var/log/nginx; exit 1; }
         curl -s -o /dev/null http://127.0.0.1${probe}-after; logged ${probe}-after || { tail -n 5 /var/log/nginx/error.log; exit 1; }
         systemctl reload nginx.service && sleep 2 && systemctl is-active --quiet nginx.service || exit 1
         [[ \$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$status_port/stub_status) == 200 ]]"

    check "sandbox: restarting origin-firewall.service loads the ruleset" \
        "systemctl restart origin-firewall.service && nft list chain inet origin_filter input | grep -q 'policy drop'"

    # Cleanup: a file aged past the rule goes, a fresh one stays.
    check "sandbox: origin-hls-cleanup.service removes an aged file as $user, keeps a fresh one" \
        "install -o $user -g $user -m 644 /dev/null $hls/sandbox-aged.ts && install -o $user -g $user -m 644 /dev/null $hls/sandbox-fresh.ts
         touch -m -d '-$((age + 60)) seconds' $hls/sandbox-aged.ts
         systemctl start origin-hls-cleanup.service || { journalctl -u origin-hls-cleanup.service -n 10 --no-pager; exit 1; }
         [[ ! -e $hls/sandbox-aged.ts && -e $hls/sandbox-fresh.ts ]] || { ls -l $hls; exit 1; }
         rm -f $hls/sandbox-fresh.ts"
}
