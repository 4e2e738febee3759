#!/bin/bash
# redis (revert): Redis (tokens and stream state)
# Rendered by the origin stack from files/redis/revert.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=redis
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

begin_revert
# Debian's default redis.conf comes back from the package; the data in /var/lib/redis stays.
remove /etc/systemd/system/redis-server.service.d/origin.conf /etc/redis/origin-secret.conf /etc/origin-stack/redis-password.env
remove /etc/redis/redis.conf
apt-get install -y -qq --reinstall -o Dpkg::Options::=--force-confmiss redis-server > /dev/null
rm -f "$STATE/supplied/%etc%redis%origin-secret.conf" "$STATE/supplied/%etc%origin-stack%redis-password.env"
systemctl daemon-reload
systemctl restart redis-server.service
finish_revert
