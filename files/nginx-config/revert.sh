begin_revert
if systemctl is-active --quiet nginx.service; then systemctl stop nginx.service; fi
if systemctl is-enabled --quiet nginx.service 2> /dev/null; then systemctl disable --quiet nginx.service; fi
# Back to the config the build installed.
cp -f {{prefix}}/nginx.conf.default {{prefix}}/nginx.conf
remove /etc/systemd/system/nginx.service /etc/logrotate.d/origin-nginx {{prefix}}/conf.d/cloudflare-realip.conf \
    {{prefix}}/perl/OriginToken.pm /etc/origin-stack/tls/origin.crt /etc/origin-stack/token-keys
rm -f "$STATE/supplied/%etc%origin-stack%tls%origin.crt" "$STATE/supplied/%etc%origin-stack%token-keys"
systemctl daemon-reload
finish_revert
