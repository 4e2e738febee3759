#!/bin/bash
# disks (apply): I/O schedulers and read-ahead (udev)
# Rendered by the origin stack from files/disks/apply.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=disks
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rules=/etc/udev/rules.d/60-origin-io.rules
# What the block devices have now, so revert can put it back.
original=$STATE/disks.original
if [[ ! -f $original ]]; then
    for dev in /sys/block/*; do
        if [[ -w $dev/queue/scheduler ]]; then
            printf '%s queue/scheduler %s\n' "${dev##*/}" "$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$dev/queue/scheduler")"
        fi
        if [[ -w $dev/bdi/read_ahead_kb ]]; then
            printf '%s bdi/read_ahead_kb %s\n' "${dev##*/}" "$(< "$dev/bdi/read_ahead_kb")"
        fi
    done > "$original"
fi
place "$rules" 644 root root
if changed; then
    udevadm control --reload
    udevadm trigger --action=change --subsystem-match=block
    udevadm settle --timeout=30
fi
finish_apply
