#!/bin/bash
# kernel (apply): kernel parameters (sysctl.d)
# Rendered by the origin stack from files/kernel/apply.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=kernel
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

conf=/etc/sysctl.d/60-origin.conf
# The values before the first apply, so revert can put them back.
original=$STATE/kernel.original.conf
if [[ ! -f $original ]]; then
    for key in net.core.default_qdisc net.core.netdev_max_backlog net.core.somaxconn net.ipv4.tcp_congestion_control net.ipv4.tcp_fin_timeout net.ipv4.tcp_max_syn_backlog net.ipv4.tcp_rmem net.ipv4.tcp_slow_start_after_idle net.ipv4.tcp_wmem vm.swappiness vm.vfs_cache_pressure; do
        printf '%s = %s\n' "$key" "$(sysctl -n "$key" | tr '\t' ' ')"
    done > "$original"
fi
place "$conf" 644 root root
if changed; then
    # Loads tcp_bbr on demand: the kernel autoloads a congestion control module named by root.
    sysctl --quiet --load "$conf"
fi
finish_apply
