begin_revert
if systemctl is-active --quiet nginx.service; then die "stop nginx.service (revert nginx-config) before removing the build"; fi
remove {{prefix}} /var/cache/origin-stack
finish_revert
