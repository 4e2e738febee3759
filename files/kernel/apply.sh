conf=/etc/sysctl.d/60-origin.conf
# The values before the first apply, so revert can put them back.
original=$STATE/kernel.original.conf
if [[ ! -f $original ]]; then
    for key in {{keys}}; do
        printf '%s = %s\n' "$key" "$(sysctl -n "$key" | tr '\t' ' ')"
    done > "$original"
fi
place "$conf" 644 root root
if changed; then
    # Loads tcp_bbr on demand: the kernel autoloads a congestion control module named by root.
    sysctl --quiet --load "$conf"
fi
finish_apply
