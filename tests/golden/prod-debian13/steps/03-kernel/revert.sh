#!/bin/bash
# kernel (revert): kernel parameters (sysctl.d)
# Rendered by the origin stack from files/kernel/revert.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=kernel
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

begin_revert
remove /etc/sysctl.d/60-origin.conf
if [[ -f $STATE/kernel.original.conf ]]; then
    sysctl --quiet --load "$STATE/kernel.original.conf"
    rm -f "$STATE/kernel.original.conf"
fi
finish_revert
