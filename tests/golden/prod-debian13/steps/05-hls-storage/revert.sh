#!/bin/bash
# hls-storage (revert): HLS directory on tmpfs
# Rendered by the origin stack from files/hls-storage/revert.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=hls-storage
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

begin_revert
# Unmounting drops every live channel's files; stop what writes there first.
if systemctl is-active --quiet stream-api.service; then die "stop stream-api.service before removing the HLS tmpfs"; fi
if mountpoint -q /var/www/hls; then systemctl stop var-www-hls.mount; fi
if systemctl is-enabled --quiet var-www-hls.mount 2> /dev/null; then systemctl disable --quiet var-www-hls.mount; fi
remove /etc/systemd/system/var-www-hls.mount
systemctl daemon-reload
# /tmp back to Debian's limit.
remove /etc/systemd/system/tmp.mount.d/origin-size.conf
systemctl daemon-reload
if mountpoint -q /tmp; then systemctl reload tmp.mount; fi
finish_revert
