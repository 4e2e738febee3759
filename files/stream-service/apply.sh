install_dir={{install_dir}}
unit=/etc/systemd/system/stream-api.service
place "$unit" 644 root root
place /etc/origin-stack/stream-api.env 644 root root
# The API logs in to Redis with it: a rotated password restarts the API.
watch {{redis_password_env}}

# The app: a release directory per content hash, and an atomic switch of the "current" link.
install -d -m 755 "$install_dir/releases"
{{fetch_release}}
if [[ $(readlink "$install_dir/current" 2> /dev/null) != "releases/$release" ]]; then
    save "$install_dir/current"
    ln -sfn "releases/$release" "$install_dir/current.new"
    changed_path "$install_dir/current"
    mv -T -f "$install_dir/current.new" "$install_dir/current"
    log "switched to release $release"
fi
# Keep the newest three releases for a manual rollback.
ls -1t "$install_dir/releases" | tail -n +4 | while read -r old; do
    [[ $old == "$release" ]] || rm -rf -- "$install_dir/releases/$old"
done

after_rollback() {
    systemctl daemon-reload
    systemctl restart stream-api.service || true
}

if units_changed; then systemctl daemon-reload; fi
systemctl enable --quiet stream-api.service
if ! systemctl is-active --quiet stream-api.service || changed; then
    # A restart stops the running channels; they start again on their next playlist request.
    systemctl restart stream-api.service
    log "(re)started stream-api"
fi
wait_for_tcp {{port}} 30
finish_apply
