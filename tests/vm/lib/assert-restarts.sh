# shellcheck shell=bash
# Each moving part killed outright under the guest's own systemd; the origin recovers with no one
# touching it. These rest on unit semantics (Restart=, KillMode=, ExecStopPost=, Type=notify
# readiness), which the loopback box does not reproduce: it launches the same units without an init
# system. Every wait is for the state the unit documents as ready (systemd's "active", which a
# Type=notify Redis reaches only once it has loaded its dataset), never for the first answer.
# Sourced by ../../containers/converge (source_assert_topics in stack.sh), on each release, after
# assert.sh (check, http); needs guest.sh, RUN and CHANNEL_URL (assert_cold_channel).

# env_value BUNDLE NAME: NAME's value in the rendered stream-api.env.
env_value() { sed -n "s/^$2=//p" "$1/files/etc/origin-stack/stream-api.env"; }

# restart_count UNIT: a guest command printing how often systemd restarted UNIT (NRestarts).
restart_count() { echo "systemctl show -p NRestarts --value $1"; }

# assert_restarts BUNDLE
assert_restarts() {
    local bundle=$1 dir prefix url api redis channel
    dir=$(env_value "$bundle" HLS_DIR)
    prefix=$(env_value "$bundle" HLS_PLAYLIST_PREFIX)
    url=http://127.0.0.1$(env_value "$bundle" HLS_URL_PREFIX)
    api=$(grep -o -m 1 '127\.0\.0\.1:[0-9]*' "$bundle/files/etc/systemd/system/stream-api.service")
    redis=$(redis_cli "$bundle")
    channel=${CHANNEL_URL##*channel=}
    channel=${channel%%&*}
    # fresh CHANNEL: a guest command that plays a channel nobody asked for yet, through nginx, with a token
    # the API issues, and prints its FFmpeg's pid as the API recorded it in Redis.
    fresh() {
        printf '%s' "t=\$(curl -sf -X POST http://$api/token/$1 | python3 -c 'import json, sys; print(json.load(sys.stdin)[\"token\"])') &&
            curl -sf --max-time 40 -o /dev/null '$url$prefix$1.m3u8?channel=$1&verify='\$t && $redis hget stream:$1 pid"
    }

    # FFmpeg dies: the API forgets the channel, and the next viewer starts it again.
    check "restart: a killed FFmpeg is forgotten and the next request starts its channel again" "set -e
        old=\$($(fresh 201)); kill -KILL \$old
        for i in \$(seq 20); do [[ -z \$($redis hget stream:201 pid) && ! -e $dir/${prefix}201.m3u8 ]] && break; sleep 0.5; done
        [[ -z \$($redis hget stream:201 pid) ]] || { echo 'the dead channel is still recorded'; exit 1; }
        new=\$($(fresh 201)); [[ -n \$new && \$new != \$old ]] && kill -0 \$new"

    # Redis dies: systemd restarts it (Restart=always in Debian's unit) and channels start again.
    check "restart: a killed Redis is restarted by systemd, and a new channel is recorded in it" "set -e
        before=\$($(restart_count redis-server)); systemctl kill -s KILL redis-server
        for i in \$(seq 60); do (( \$($(restart_count redis-server)) > before )) && systemctl is-active --quiet redis-server && break; sleep 0.5; done
        systemctl is-active --quiet redis-server && (( \$($(restart_count redis-server)) > before ))
        [[ -n \$($(fresh 202)) ]]"

    # The API's main process crashes (SIGKILL: the OOM killer's signal). KillMode=mixed ends the rest of
    # its control group, its FFmpeg included; ExecStopPost removes the playlists no one updates any more
    # (nginx would serve them frozen); then systemd restarts it. (A SIGKILL of the whole control group
    # from outside, `systemctl kill`, also kills ExecStopPost as it starts: systemd's journal says
    # "Control process exited, code=killed". No crash of the API does that.)
    check "restart: a crashed API is restarted, its channels stopped, and leaves no frozen playlist" "set -e
        curl -sf --max-time 40 -o /dev/null '$CHANNEL_URL'; ffmpeg=\$($redis hget stream:$channel pid)
        [[ -n \$ffmpeg ]] || { echo 'channel $channel is not recorded as running'; exit 1; }
        before=\$($(restart_count stream-api)); kill -KILL \$(systemctl show -p MainPID --value stream-api)
        for i in \$(seq 60); do (( \$($(restart_count stream-api)) > before )) && curl -sf -o /dev/null http://$api/api/health && break; sleep 0.5; done
        curl -sf -o /dev/null http://$api/api/health || { echo 'the API does not answer after its restart'; exit 1; }
        ! kill -0 \$ffmpeg 2> /dev/null || { echo \"FFmpeg \$ffmpeg outlived its API\"; exit 1; }
        [[ ! -e $dir/$prefix$channel.m3u8 ]] || { echo 'the dead channel playlist is still there to be served frozen'; exit 1; }
        curl -sf --max-time 40 '$CHANNEL_URL' | grep -q '^#EXTINF'"

    # A worker dies: the master replaces it and requests go on being served.
    check "restart: a killed nginx worker is replaced and requests keep being served" "set -e
        master=\$(< /run/nginx/nginx.pid); victim=\$(pgrep -P \$master | head -n 1); kill -KILL \$victim
        for i in \$(seq 20); do workers=\$(pgrep -P \$master) && ! grep -qx \$victim <<< \"\$workers\" && break; sleep 0.5; done
        ! pgrep -P \$master | grep -qx \$victim
        for i in 1 2 3 4 5; do curl -sf --max-time 10 -o /dev/null '$CHANNEL_URL'; done"
}
