#!/bin/bash
# nginx-build (apply): nginx 1.30.4 built from source
# Rendered by the origin stack from files/nginx-build/apply.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=nginx-build
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# nginx 1.30.4 from its pinned, checksummed source, built into /opt/nginx as on the audited host.
# Skipped when the installed build already has this version, checksum and set of options.
prefix=/opt/nginx
marker=$prefix/.origin-build
want='nginx-1.30.4 sha256:4261dc90e9e47c1c4041276e9aaa3d48ebe2e664f728e14fa95ae6c67d57a08b --prefix=/opt/nginx --sbin-path=/opt/nginx/sbin/nginx --conf-path=/opt/nginx/nginx.conf --pid-path=/run/nginx/nginx.pid --error-log-path=/var/log/nginx/error.log --http-log-path=/var/log/nginx/access.log --http-client-body-temp-path=/var/cache/nginx/client-body --http-proxy-temp-path=/var/cache/nginx/proxy --http-fastcgi-temp-path=/var/cache/nginx/fastcgi --http-uwsgi-temp-path=/var/cache/nginx/uwsgi --http-scgi-temp-path=/var/cache/nginx/scgi --user=www-data --group=www-data --with-perl_modules_path=/opt/nginx/perl --with-http_ssl_module --with-http_realip_module --with-http_stub_status_module --with-http_perl_module=dynamic --with-pcre-jit'

if [[ -x $prefix/sbin/nginx && -f $marker && $(< "$marker") == "$want" ]]; then
    log "nginx 1.30.4 is already built with these options"
    finish_apply
    exit 0
fi

cache=/var/cache/origin-stack
tarball=$cache/nginx-1.30.4.tar.gz
install -d -m 755 "$cache"
if ! { [[ -f $tarball ]] && echo "4261dc90e9e47c1c4041276e9aaa3d48ebe2e664f728e14fa95ae6c67d57a08b  $tarball" | sha256sum --check --status; }; then
    log "downloading https://nginx.org/download/nginx-1.30.4.tar.gz"
    curl --fail --silent --show-error --location --proto '=https,http' --retry 3 --output "$tarball.part" https://nginx.org/download/nginx-1.30.4.tar.gz
    if ! echo "4261dc90e9e47c1c4041276e9aaa3d48ebe2e664f728e14fa95ae6c67d57a08b  $tarball.part" | sha256sum --check --status; then
        rm -f "$tarball.part"
        die "nginx-1.30.4.tar.gz does not have the pinned sha256 4261dc90e9e47c1c4041276e9aaa3d48ebe2e664f728e14fa95ae6c67d57a08b; refusing to build it"
    fi
    mv -f "$tarball.part" "$tarball"
fi

build=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$build"' EXIT
tar -xzf "$tarball" -C "$build" --strip-components=1
log "configuring and compiling"
if ! (cd "$build" && ./configure --prefix=/opt/nginx --sbin-path=/opt/nginx/sbin/nginx --conf-path=/opt/nginx/nginx.conf --pid-path=/run/nginx/nginx.pid --error-log-path=/var/log/nginx/error.log --http-log-path=/var/log/nginx/access.log --http-client-body-temp-path=/var/cache/nginx/client-body --http-proxy-temp-path=/var/cache/nginx/proxy --http-fastcgi-temp-path=/var/cache/nginx/fastcgi --http-uwsgi-temp-path=/var/cache/nginx/uwsgi --http-scgi-temp-path=/var/cache/nginx/scgi --user=www-data --group=www-data --with-perl_modules_path=/opt/nginx/perl --with-http_ssl_module --with-http_realip_module --with-http_stub_status_module --with-http_perl_module=dynamic --with-pcre-jit > configure.log 2>&1 && make -j"$(nproc)" > make.log 2>&1); then
    tail -n 40 "$build"/configure.log "$build"/make.log >&2 || true
    die "the nginx build failed; the installed nginx is untouched"
fi

# Only a finished build replaces the binary; on failure from here on, the old one comes back.
save "$prefix/sbin/nginx"
save "$marker"
make -C "$build" install > /dev/null
printf '%s\n' "$want" > "$marker"
CHANGED+=("$prefix/sbin/nginx")
log "installed: $("$prefix/sbin/nginx" -v 2>&1)"

if systemctl is-active --quiet nginx.service; then
    # A running nginx keeps its old binary until restarted; test the live config with the new one first.
    "$prefix/sbin/nginx" -t -q
    systemctl restart nginx.service
fi
finish_apply
