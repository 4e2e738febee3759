#!/bin/bash
# cleanup (apply): HLS cleanup (tmpfiles.d on a timer)
# Rendered by the origin stack from files/cleanup/apply.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=cleanup
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

place /etc/tmpfiles.d/origin-hls.conf 644 root root
place /etc/systemd/system/origin-hls-cleanup.service 644 root root
place /etc/systemd/system/origin-hls-cleanup.timer 644 root root
if units_changed; then systemctl daemon-reload; fi
systemctl enable --quiet origin-hls-cleanup.timer
if changed || ! systemctl is-active --quiet origin-hls-cleanup.timer; then
    systemctl restart origin-hls-cleanup.timer
fi
finish_apply
