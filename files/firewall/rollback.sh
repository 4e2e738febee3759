#!/bin/bash
# Rolls back an unconfirmed firewall ruleset. Rendered by the origin stack from files/firewall/rollback.sh.
#   firewall-rollback.sh GENERATION   run by the timer the apply of GENERATION armed
#   firewall-rollback.sh              before the ruleset loads (origin-firewall.service): whichever
#                                     generation is armed with no timer left to roll it back, which
#                                     is what a reboot inside the rollback window leaves
# Only a generation still armed is rolled back, under the lock its confirm takes: a confirm that got
# in first wins. The previous ruleset comes back live and on disk, so the next boot loads it too, and
# the step is no longer recorded as applied.
set -euo pipefail
commit=/var/lib/origin-stack/firewall.commit
ruleset=/etc/origin-stack/firewall.nft
previous=/var/lib/origin-stack/firewall.previous.nft
[[ -f $commit ]] || exit 0
exec 9>> "$commit.lock"
# The apply and the confirm hold the lock for a few commands, never across a start of the firewall unit.
flock -w 60 9 || { echo "firewall: $commit.lock is still held after 60 s; nothing rolled back" >&2; exit 1; }
read -r recorded state < "$commit" || exit 0
[[ $state == armed ]] || exit 0
if (( $# == 0 )); then
    if systemctl is-active --quiet "origin-firewall-rollback-${recorded:0:16}.timer"; then exit 0; fi
else
    [[ $1 == "$recorded" ]] || exit 0
fi

if [[ -f $previous ]]; then
    # Written by root, so root's; no -o/-g: chown is outside the unit's system call filter (@privileged).
    install -m 600 "$previous" "$ruleset.origin-new"
    mv -f "$ruleset.origin-new" "$ruleset"
    /usr/sbin/nft -f "$ruleset"
else
    # There was no origin ruleset before this one: none at the next boot either.
    /usr/sbin/nft delete table inet origin_filter 2> /dev/null || true
    rm -f "$ruleset"
    systemctl disable --quiet --no-reload origin-firewall.service 2> /dev/null || true
fi
rm -f /var/lib/origin-stack/applied/firewall
# Whole and on disk, as the apply writes it (lib.sh, record): a reader never finds the record empty.
# fsync is in the unit's @system-service filter (its @sync group: systemd src/shared/seccomp-util.c).
printf '%s rolled-back\n' "$recorded" > "$commit.origin-new"
sync "$commit.origin-new"
mv -f "$commit.origin-new" "$commit"
sync "${commit%/*}"
echo "firewall: generation $recorded was not confirmed within {{rollback_seconds}} s; the previous ruleset is back, live and on disk" >&2
