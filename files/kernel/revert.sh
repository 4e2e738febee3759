begin_revert
remove /etc/sysctl.d/60-origin.conf
if [[ -f $STATE/kernel.original.conf ]]; then
    sysctl --quiet --load "$STATE/kernel.original.conf"
    rm -f "$STATE/kernel.original.conf"
fi
finish_revert
