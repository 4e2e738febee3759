#!/bin/bash
# redis (apply): Redis (tokens and stream state)
# Rendered by the origin stack from files/redis/apply.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=redis
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

conf=/etc/redis/redis.conf
secret=/etc/redis/origin-secret.conf
place "$conf" 640 root redis
place /etc/systemd/system/redis-server.service.d/origin.conf 644 root root
track "$secret"
track /etc/origin-stack/redis-password.env

# cli PASSWORD_FILE ARGS...: redis-cli authenticated with the requirepass line of PASSWORD_FILE.
cli() {
    local file=$1
    shift
    REDISCLI_AUTH=$(sed -n 's/^requirepass //p' "$file") redis-cli -p 6379 --no-auth-warning "$@"
}

# The running server keeps the password it started with: none on a fresh Debian install, the
# previous one when this run rotates it.
running_cli() {
    if [[ $(redis-cli -p 6379 ping 2> /dev/null) == PONG ]]; then
        redis-cli -p 6379 "$@"
    elif [[ -f $ROLLBACK/saved$secret ]]; then
        cli "$ROLLBACK/saved$secret" "$@"
    else
        cli "$secret" "$@"
    fi
}

after_rollback() {
    systemctl daemon-reload
    systemctl restart redis-server.service || true
}

if changed; then
    if units_changed; then systemctl daemon-reload; fi
    systemctl enable --quiet redis-server.service
    if grep -qx 'appendonly yes' "$conf" && [[ $(running_cli config get appendonly 2> /dev/null | tail -n 1) == no ]]; then
        # Restarting straight into "appendonly yes" starts from an empty AOF and drops what the
        # API stored. Have the running server write its AOF first, then restart onto it.
        log "writing the AOF from the running server before turning it on"
        running_cli config set appendonly yes > /dev/null
        until running_cli info persistence | grep -q '^aof_rewrite_in_progress:0' \
            && running_cli info persistence | grep -q '^aof_rewrite_scheduled:0'; do
            sleep 0.5
        done
    fi
    systemctl restart redis-server.service
fi

deadline=$((SECONDS + 30))
until [[ $(cli "$secret" ping 2> /dev/null) == PONG ]]; do
    (( SECONDS < deadline )) || die "redis does not answer PING with the configured password"
    sleep 0.5
done
[[ $(cli "$secret" config get maxmemory-policy | tail -n 1) == noeviction ]] || die "redis runs with another eviction policy"
finish_apply
