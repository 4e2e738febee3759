#!/bin/bash
# cleanup (revert): HLS cleanup (tmpfiles.d on a timer)
# Rendered by the origin stack from files/cleanup/revert.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=cleanup
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

begin_revert
if systemctl is-enabled --quiet origin-hls-cleanup.timer 2> /dev/null; then systemctl disable --now --quiet origin-hls-cleanup.timer; fi
remove /etc/tmpfiles.d/origin-hls.conf /etc/systemd/system/origin-hls-cleanup.service /etc/systemd/system/origin-hls-cleanup.timer
systemctl daemon-reload
finish_revert
