#!/bin/bash
# Confirms the firewall step. Rendered by the origin stack from files/firewall/confirm.sh.
# Run from a new SSH connection with the generation of the apply it confirms (ORIGIN_STEP_HASH).
# Running at all proves that connection got through the ruleset that apply loaded; it succeeds only
# if it cancels that apply's own rollback, or that apply loaded nothing new. A rollback that already
# ran (the confirm came too late) or a record of another generation fails the step.
set -euo pipefail
generation=${ORIGIN_STEP_HASH:?the generation of the apply to confirm}
commit=/var/lib/origin-stack/firewall.commit
fail() { echo "firewall: $*" >&2; exit 1; }

exec 9>> "$commit.lock"
flock -w 20 9 || fail "the firewall apply or rollback holds $commit.lock"
read -r recorded state 2> /dev/null < "$commit" || fail "no firewall apply is on record"
[[ $recorded == "$generation" ]] || fail "nothing to confirm for generation $generation: the record is of generation $recorded ($state)"
case $state in
    armed)
        systemctl stop "origin-firewall-rollback-${generation:0:16}.timer"
        # Whole, as the apply writes it (lib.sh, record).
        printf '%s confirmed\n' "$generation" > "$commit.origin-new"
        sync "$commit.origin-new"
        mv -f "$commit.origin-new" "$commit"
        sync "${commit%/*}"
        echo "firewall: confirmed from a new connection; rollback cancelled" >&2 ;;
    confirmed | unchanged)
        echo "firewall: generation $generation is $state" >&2 ;;
    rolled-back)
        fail "the ruleset of generation $generation was rolled back: no new SSH connection got through it within 120 s. The previous ruleset is live and on disk, and the step is no longer applied; fix host.adminCidrs or ssh.port, then run pulumi up again" ;;
    *)
        fail "unknown state in $commit: $state" ;;
esac
