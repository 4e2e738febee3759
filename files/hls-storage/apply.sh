unit=/etc/systemd/system/{{unit}}
place "$unit" 644 root root
if units_changed; then systemctl daemon-reload; fi
systemctl enable --quiet {{unit}}
if ! mountpoint -q {{dir}}; then
    # Anything already in the directory is hidden, not lost, while the tmpfs is mounted over it.
    install -d -m 755 {{dir}}
    systemctl start {{unit}}
    log "mounted tmpfs on {{dir}}"
elif changed_any "$unit"; then
    # A tmpfs resizes in place: reloading a mount unit remounts it with the new options and
    # keeps the live channels' files.
    systemctl reload {{unit}}
    log "resized tmpfs on {{dir}} to {{size}}"
fi
[[ $(findmnt -n -o FSTYPE --target {{dir}}) == tmpfs ]] || die "{{dir}} is not on tmpfs"
{{tmp}}
finish_apply
