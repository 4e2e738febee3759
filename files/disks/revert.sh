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
