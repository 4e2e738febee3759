#!/bin/bash
# Confirms the firewall step. Rendered by the origin stack from files/firewall/confirm.sh.
# Running at all proves a new SSH connection got through the new ruleset; cancel its rollback.
set -euo pipefail
if systemctl is-active --quiet origin-firewall-rollback.timer; then
    systemctl stop origin-firewall-rollback.timer
    echo "firewall: confirmed; rollback cancelled" >&2
fi
