# shellcheck shell=bash
# The firewall lock-out (issue 8, item 2): a ruleset that drops the admin network must make the
# converge fail, roll itself back, live and on disk, and leave a host that takes new SSH connections
# with the old ruleset, also after a reboot. Then the good ruleset is applied again for the phases after.
# Sourced by ../rehearse; needs converge.sh, assert.sh, guest.sh, RUN, BUNDLE and render.

# The rollback window of the plan (core/Plan/Steps/FirewallStep.cs).
ROLLBACK_SECONDS=120

lockout() {
    local logs=$RUN/log/lockout variant=$RUN/bundle-lockout good step generation started armed_at state waited fired
    mkdir -p "$logs"
    # Only SSH from a network the deployer is not in: the guest is reached from slirp's 10.0.2.2.
    render "$variant" --set 'host.adminCidrs=[192.0.2.0/24]'
    step=$(step_json "$variant" firewall)
    generation=$(jq -r .hash <<< "$step")
    good=$(sha256sum < "$BUNDLE/files/etc/origin-stack/firewall.nft" | cut -d' ' -f1)

    # The apply runs over the open connection, which the new ruleset keeps (ct state established),
    # as the provider's session does; the confirm must dial anew.
    # apply_step confirms from a new connection, which fails after ssh's ConnectTimeout (10 s, about one
    # dial of the provider's confirm, 8 s); the step then dies, in the subshell.
    started=$SECONDS
    if ( apply_step "$variant" firewall "$logs" ) 2> "$logs/converge.err"; then
        fail "lock-out: the confirm got through a ruleset that drops the admin network"
    elif grep -q 'its confirm command failed' "$logs/converge.err"; then
        pass "lock-out: the confirm cannot connect, so the converge fails ($((SECONDS - started)) s after the apply began)"
    else
        fail "lock-out: the converge fails at the confirm, not before: $(tail -n 1 "$logs/converge.err")"
    fi
    check "lock-out: the rollback of this generation is still armed" \
        "[[ \$(< /var/lib/origin-stack/firewall.commit) == '$generation armed' ]] && systemctl is-active --quiet origin-firewall-rollback-${generation:0:16}.timer"

    # How long the rollback took, by the guest's clock: the apply writes the record "armed" as it arms
    # the timer, the rollback writes "rolled-back". The host's view adds uploads and SSH round trips,
    # which vary with the load on this machine (the containers run beside the VM).
    armed_at=$(guest 'stat -c %Y /var/lib/origin-stack/firewall.commit' < /dev/null)
    # The open connection watches the rollback fire. Every read finds a whole record (lib.sh, record):
    # an empty state is a defect, as a boot that found the record so would roll nothing back.
    until state=$(guest "cut -d' ' -f2 /var/lib/origin-stack/firewall.commit" < /dev/null) && [[ $state != armed ]]; do
        (( $(guest 'date +%s' < /dev/null) - armed_at < ROLLBACK_SECONDS + 60 )) || break
        sleep 2
    done
    # When the timer fired is when systemd started the rollback (its journal, by the guest's clock):
    # AccuracySec=1s: the window, plus a second of accuracy and the moments between the record and
    # systemd-run arming the timer. Then the rollback's own work, which
    # on an emulated guest beside the containers took up to 17 s, bounded by its lock wait (60 s).
    fired=$(guest "journalctl -o short-unix --no-pager -u origin-firewall-rollback-${generation:0:16}.service | awk '/ Start(ing|ed) / { print int(\$1); exit }'" < /dev/null)
    waited=$(( $(guest 'stat -c %Y /var/lib/origin-stack/firewall.commit' < /dev/null) - armed_at ))
    if [[ -n $fired ]] && (( fired - armed_at >= ROLLBACK_SECONDS && fired - armed_at <= ROLLBACK_SECONDS + 5 )); then
        pass "lock-out: the rollback timer fired $((fired - armed_at)) s after it was armed (window: $ROLLBACK_SECONDS s)"
    else
        fail "lock-out: the rollback timer did not fire $ROLLBACK_SECONDS to $((ROLLBACK_SECONDS + 5)) s after it was armed (fired: ${fired:+$((fired - armed_at)) s}${fired:-never})"
    fi
    if [[ $state == rolled-back ]] && [[ -n $fired ]] && (( waited - (fired - armed_at) <= 60 )); then
        pass "lock-out: rolled back ${waited} s after the timer was armed"
    else
        fail "lock-out: not rolled back within 60 s of the timer firing (state: $state, ${waited} s after arming)"
    fi
    if guest_new true < /dev/null; then pass "lock-out: a new SSH connection gets in again"; else fail "lock-out: a new SSH connection gets in again"; fi
    check "lock-out: the old ruleset is back on disk" "[[ \$(sha256sum < /etc/origin-stack/firewall.nft | cut -d' ' -f1) == $good ]]"
    check "lock-out: the live ruleset admits the admin network" "nft list set inet origin_filter admin_v4 | grep -q 10.0.2.0/24"
    check "lock-out: the firewall step is no longer recorded as applied" "[[ ! -e /var/lib/origin-stack/applied/firewall ]]"
    # What the issue saw: a late confirm that gets in after the rollback exited 0. It must fail.
    if guest_new "$(jq -r .confirmCommand <<< "$step")" < /dev/null 2> "$logs/late-confirm.err"; then
        fail "lock-out: a confirm after the rollback fails"
    elif grep -q 'was rolled back' "$logs/late-confirm.err"; then
        pass "lock-out: a confirm after the rollback fails: $(tail -n 1 "$logs/late-confirm.err" | cut -c1-90)..."
    else
        fail "lock-out: a confirm after the rollback fails, saying why: $(tail -n 1 "$logs/late-confirm.err")"
    fi
    end_checks "lock-out"

    reboot_guest
    pass "lock-out: SSH after a reboot"
    check "lock-out: after the reboot the old ruleset is loaded" \
        "systemctl is-active --quiet origin-firewall.service && nft list set inet origin_filter admin_v4 | grep -q 10.0.2.0/24"
    end_checks "lock-out, after reboot"

    converge "$BUNDLE" lockout-restore firewall
    check "lock-out: the good ruleset is applied again" "[[ -e /var/lib/origin-stack/applied/firewall ]]"
    end_checks "lock-out, restored"
}
