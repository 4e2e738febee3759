#!/bin/bash
# packages (apply): Debian packages and the stream service user
# Rendered by the origin stack from files/packages/apply.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=packages
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Debian packages every later step needs, and the service user. Nothing starts here.
install -d -m 755 /etc/origin-stack
ensure_packages ca-certificates curl openssl logrotate nftables build-essential libpcre2-dev zlib1g-dev libssl-dev libperl-dev redis-server ffmpeg gunicorn python3 python3-flask python3-redis prometheus-node-exporter prometheus-nginx-exporter prometheus-redis-exporter prometheus prometheus-alertmanager

if ! id -u streamapi > /dev/null 2>&1; then
    # The stream API and its FFmpeg children run as this user; it owns the HLS directory.
    useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin streamapi
    CHANGED+=(user:streamapi)
    log "created user streamapi"
fi
# Validation refuses the name root; another name for uid 0 only shows here. The API, FFmpeg and
# nginx's workers parse what the internet sends them, and must not run as root.
for user in streamapi www-data; do
    if [[ $(id -u "$user" 2> /dev/null) == 0 ]]; then die "$user has uid 0 on this host; set an unprivileged user"; fi
done
finish_apply
