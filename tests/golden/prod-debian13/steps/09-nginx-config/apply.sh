#!/bin/bash
# nginx-config (apply): nginx configuration
# Rendered by the origin stack from files/nginx-config/apply.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=nginx-config
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

conf=/opt/nginx/nginx.conf
unit=/etc/systemd/system/nginx.service
install -d -m 755 /var/log/nginx
install -d -m 700 -o www-data -g root /var/cache/nginx
place "$conf" 644 root root
place /opt/nginx/conf.d/cloudflare-realip.conf 644 root root
place "$unit" 644 root root
place /opt/nginx/perl/OriginToken.pm 644 root root
place /etc/logrotate.d/origin-nginx 644 root root
track /etc/origin-stack/tls/origin.crt
# The token keys are read when nginx loads its configuration: a rotation reloads it.
track /etc/origin-stack/token-keys

# A config that fails the test never reaches the running nginx: the error trap puts the previous
# files back, so the last good config stays in place and in service.
/opt/nginx/sbin/nginx -t -q

after_rollback() {
    systemctl daemon-reload
    if systemctl is-active --quiet nginx.service; then systemctl reload nginx.service; fi
}

if units_changed; then systemctl daemon-reload; fi
systemctl enable --quiet nginx.service
if ! systemctl is-active --quiet nginx.service; then
    systemctl start nginx.service
    log "started nginx"
elif changed_any "$unit"; then
    # LimitNOFILE only applies to a new master process.
    systemctl restart nginx.service
    log "restarted nginx"
elif changed; then
    systemctl reload nginx.service
    log "reloaded nginx"
fi
wait_for_tcp 80 15
finish_apply
