# Debian packages every later step needs, and the service user. Nothing starts here.
install -d -m 755 /etc/origin-stack
ensure_packages {{packages}}

if ! id -u {{stream_user}} > /dev/null 2>&1; then
    # The stream API and its FFmpeg children run as this user; it owns the HLS directory.
    useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin {{stream_user}}
    CHANGED+=(user:{{stream_user}})
    log "created user {{stream_user}}"
fi
# Validation refuses the name root; another name for uid 0 only shows here. The API, FFmpeg and
# nginx's workers parse what the internet sends them, and must not run as root.
for user in {{stream_user}} {{nginx_user}}; do
    if [[ $(id -u "$user" 2> /dev/null) == 0 ]]; then die "$user has uid 0 on this host; set an unprivileged user"; fi
done
finish_apply
