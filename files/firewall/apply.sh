# The new ruleset is checked first, then loaded; a rollback timer restores the previous one, live and
# on disk, unless this apply's confirm cancels it from a new SSH connection: a ruleset that locks out
# the deployer heals itself after {{rollback_seconds}} s (like iptables-apply), and the next boot loads
# the old one. The commit record says what became of each generation, for its confirm (confirm.sh)
# and its rollback (firewall-rollback.sh), which take the same lock, so exactly one of them wins.
ruleset=/etc/origin-stack/firewall.nft
staged=$STAGE/files$ruleset
commit=$STATE/firewall.commit
place /etc/systemd/system/origin-firewall.service 644 root root
place /etc/origin-stack/firewall-rollback.sh 700 root root

# The ruleset on disk is the one the next boot loads: a new one goes there only once its rollback is
# armed, so a host that dies anywhere in this apply boots a ruleset that can be rolled back.
nft -c -f "$staged"
if units_changed; then systemctl daemon-reload; fi
systemctl enable --quiet origin-firewall.service

exec 9>> "$commit.lock"
flock -w 30 9 || die "another firewall apply, confirm or rollback holds $commit.lock"
read -r recorded state 2> /dev/null < "$commit" || recorded="" state=""
# A generation still armed (an earlier apply whose confirm has not run) left its ruleset live: this
# apply takes the rollback over, so it must arm again even with an unchanged file.
if ! cmp -s -- "$staged" "$ruleset" || ! nft list table inet origin_filter > /dev/null 2>&1 || [[ $state == armed ]]; then
    # What a rollback restores: the last ruleset that was confirmed. While one is armed, that is still
    # the copy its apply kept, not the unconfirmed file on disk.
    if [[ $state != armed ]]; then
        if [[ -f $ruleset ]]; then cp "$ruleset" "$STATE/firewall.previous.nft"; else rm -f "$STATE/firewall.previous.nft"; fi
    fi
    systemctl stop 'origin-firewall-rollback-*.timer' 2> /dev/null || true
    # A failed rollback unit stays loaded under its name, which this generation may need again.
    systemctl reset-failed 'origin-firewall-rollback-*' 2> /dev/null || true
    record "$commit" "$ORIGIN_STEP_HASH armed"
    systemd-run --quiet --unit="origin-firewall-rollback-${ORIGIN_STEP_HASH:0:16}" --on-active={{rollback_seconds}} \
        --timer-property=AccuracySec=1s /bin/bash /etc/origin-stack/firewall-rollback.sh "$ORIGIN_STEP_HASH"
    place "$ruleset" 600 root root
    nft -f "$ruleset"
    loaded=1
else
    # The same rules: at most the file's mode or owner to put right.
    place "$ruleset" 600 root root
    if [[ $recorded != "$ORIGIN_STEP_HASH" ]]; then record "$commit" "$ORIGIN_STEP_HASH unchanged"; fi
fi
# The rollback waits for this lock: hold it no longer than the record and the ruleset take. Above all,
# not across the start below, whose ExecStartPre is the rollback: holding it there is a deadlock.
exec 9>&-
# Active, so the unit's state says what is live; a unit already active is left alone (a restart would
# run its ExecStop and leave the host unfiltered until it loads again). Its rollback finds this
# generation armed with its timer running, and leaves it.
systemctl start origin-firewall.service
if [[ -v loaded ]]; then
    log "ruleset loaded; it rolls back in {{rollback_seconds}} s unless confirmed from a new connection"
fi
finish_apply
