#!/bin/bash
# stream-service (apply): stream API (gunicorn, FFmpeg per channel)
# Rendered by the origin stack from files/stream-service/apply.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=stream-service
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install_dir=/opt/streamapp
unit=/etc/systemd/system/stream-api.service
place "$unit" 644 root root
place /etc/origin-stack/stream-api.env 644 root root
# The API logs in to Redis with it: a rotated password restarts the API.
watch /etc/origin-stack/redis-password.env

# The app: a release directory per content hash, and an atomic switch of the "current" link.
install -d -m 755 "$install_dir/releases"
# The app directory uploaded to the stage; its release name is the hash of its files.
[[ -d $STAGE/app ]] || die "the app directory has not been uploaded to $STAGE/app"
release=$(cd "$STAGE/app" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
if [[ ! -d $install_dir/releases/$release ]]; then
    rm -rf "$install_dir/releases/$release.new"
    cp -a "$STAGE/app/." "$install_dir/releases/$release.new"
    chown -R root:root "$install_dir/releases/$release.new"
    mv "$install_dir/releases/$release.new" "$install_dir/releases/$release"
fi
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
wait_for_tcp 5000 30
finish_apply
