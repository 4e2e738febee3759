begin_revert
# Debian's default redis.conf comes back from the package; the data in /var/lib/redis stays.
remove /etc/systemd/system/redis-server.service.d/origin.conf /etc/redis/origin-secret.conf /etc/origin-stack/redis-password.env
remove /etc/redis/redis.conf
apt-get install -y -qq --reinstall -o Dpkg::Options::=--force-confmiss redis-server > /dev/null
rm -f "$STATE/supplied/%etc%redis%origin-secret.conf" "$STATE/supplied/%etc%origin-stack%redis-password.env"
systemctl daemon-reload
systemctl restart redis-server.service
finish_revert
