#!/bin/bash
# nginx-config (revert): nginx configuration
# Rendered by the origin stack from files/nginx-config/revert.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=nginx-config
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

begin_revert
if systemctl is-active --quiet nginx.service; then systemctl stop nginx.service; fi
if systemctl is-enabled --quiet nginx.service 2> /dev/null; then systemctl disable --quiet nginx.service; fi
# Back to the config the build installed.
cp -f /opt/nginx/nginx.conf.default /opt/nginx/nginx.conf
remove /etc/systemd/system/nginx.service /etc/logrotate.d/origin-nginx /opt/nginx/conf.d/cloudflare-realip.conf \
    /opt/nginx/perl/OriginToken.pm /etc/origin-stack/tls/origin.crt /etc/origin-stack/token-keys
rm -f "$STATE/supplied/%etc%origin-stack%tls%origin.crt" "$STATE/supplied/%etc%origin-stack%token-keys"
systemctl daemon-reload
finish_revert
