#!/bin/bash
# firewall (apply): host firewall (nftables)
# Rendered by the origin stack from files/firewall/apply.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=firewall
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The new ruleset is checked first, then loaded; a rollback timer restores the previous one unless
# the confirm script cancels it from a new SSH connection, so a rule that locks out the deployer
# heals itself after 120 s (like iptables-apply).
ruleset=/etc/origin-stack/firewall.nft
place "$ruleset" 600 root root
place /etc/systemd/system/origin-firewall.service 644 root root

nft -c -f "$ruleset"
if units_changed; then systemctl daemon-reload; fi
systemctl enable --quiet origin-firewall.service

if changed_any "$ruleset" || ! nft list table inet origin_filter > /dev/null 2>&1; then
    previous=$STATE/firewall.previous.nft
    if [[ -f $ROLLBACK/saved$ruleset ]]; then
        cp "$ROLLBACK/saved$ruleset" "$previous"
        restore="/usr/sbin/nft -f $previous"
    else
        restore="/usr/sbin/nft delete table inet origin_filter"
    fi
    systemctl stop origin-firewall-rollback.timer 2> /dev/null || true
    systemctl reset-failed origin-firewall-rollback.timer origin-firewall-rollback.service 2> /dev/null || true
    systemd-run --quiet --unit=origin-firewall-rollback --on-active=120 --timer-property=AccuracySec=1s /bin/sh -c "$restore"
    nft -f "$ruleset"
    systemctl start origin-firewall.service
    log "ruleset loaded; it rolls back in 120 s unless confirmed from a new connection"
fi
finish_apply
