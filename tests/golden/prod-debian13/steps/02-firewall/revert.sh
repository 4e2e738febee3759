#!/bin/bash
# firewall (revert): host firewall (nftables)
# Rendered by the origin stack from files/firewall/revert.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=firewall
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

begin_revert
systemctl stop 'origin-firewall-rollback-*.timer' 2> /dev/null || true
if systemctl is-enabled --quiet origin-firewall.service 2> /dev/null; then systemctl disable --quiet origin-firewall.service; fi
# The unit is RemainAfterExit: left running, it stays active with its file gone until the next boot.
systemctl stop origin-firewall.service 2> /dev/null || true
nft delete table inet origin_filter 2> /dev/null || true
remove /etc/systemd/system/origin-firewall.service /etc/origin-stack/firewall.nft /etc/origin-stack/firewall-rollback.sh
remove "$STATE/firewall.commit" "$STATE/firewall.commit.lock" "$STATE/firewall.previous.nft"
systemctl daemon-reload
finish_revert
