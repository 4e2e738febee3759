#!/bin/bash
# disks (revert): I/O schedulers and read-ahead (udev)
# Rendered by the origin stack from files/disks/revert.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=disks
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

begin_revert
remove /etc/udev/rules.d/60-origin-io.rules
udevadm control --reload
if [[ -f $STATE/disks.original ]]; then
    while read -r dev attr value; do
        if [[ -n $value && -w /sys/block/$dev/$attr ]]; then echo "$value" > "/sys/block/$dev/$attr"; fi
    done < "$STATE/disks.original"
    rm -f "$STATE/disks.original"
fi
finish_revert
