# Debian packages every later step needs, and the service user. Nothing starts here.
install -d -m 755 /etc/origin-stack
ensure_packages {{packages}}

if ! id -u {{stream_user}} > /dev/null 2>&1; then
    # The stream API and its FFmpeg children run as this user; it owns the HLS directory.
    useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin {{stream_user}}
    CHANGED+=(user:{{stream_user}})
    log "created user {{stream_user}}"
fi
finish_apply
