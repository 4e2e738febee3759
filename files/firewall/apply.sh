# The new ruleset is checked first, then loaded; a rollback timer restores the previous one unless
# the confirm script cancels it from a new SSH connection, so a rule that locks out the deployer
# heals itself after {{rollback_seconds}} s (like iptables-apply).
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
    systemd-run --quiet --unit=origin-firewall-rollback --on-active={{rollback_seconds}} --timer-property=AccuracySec=1s /bin/sh -c "$restore"
    nft -f "$ruleset"
    systemctl start origin-firewall.service
    log "ruleset loaded; it rolls back in {{rollback_seconds}} s unless confirmed from a new connection"
fi
finish_apply
