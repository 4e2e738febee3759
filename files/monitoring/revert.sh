begin_revert
for exporter in {{exporters}}; do
    if systemctl is-enabled --quiet "$exporter.service" 2> /dev/null; then systemctl disable --now --quiet "$exporter.service"; fi
done
remove {{files}}
# Debian's own defaults come back from the packages.
apt-get install -y -qq --reinstall -o Dpkg::Options::=--force-confmiss {{exporters}} > /dev/null
systemctl daemon-reload
finish_revert
