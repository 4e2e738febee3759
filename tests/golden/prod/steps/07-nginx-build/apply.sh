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
# The build is skipped when the installed one already has this version, checksum and set of options;
# either way, a running nginx ends on the installed binary.
prefix=/opt/nginx
marker=$prefix/.origin-build
want='nginx-1.30.4 sha256:4261dc90e9e47c1c4041276e9aaa3d48ebe2e664f728e14fa95ae6c67d57a08b --prefix=/opt/nginx --sbin-path=/opt/nginx/sbin/nginx --conf-path=/opt/nginx/nginx.conf --pid-path=/run/nginx/nginx.pid --error-log-path=/var/log/nginx/error.log --http-log-path=/var/log/nginx/access.log --http-client-body-temp-path=/var/cache/nginx/client-body --http-proxy-temp-path=/var/cache/nginx/proxy --http-fastcgi-temp-path=/var/cache/nginx/fastcgi --http-uwsgi-temp-path=/var/cache/nginx/uwsgi --http-scgi-temp-path=/var/cache/nginx/scgi --user=www-data --group=www-data --with-perl_modules_path=/opt/nginx/perl --with-http_ssl_module --with-http_realip_module --with-http_stub_status_module --with-http_perl_module=dynamic --with-pcre-jit'
# Moving the running nginx onto the installed binary without closing its listeners: nginx's own
# upgrade (https://nginx.org/en/docs/control.html#upgrade, "Upgrading Executable on the Fly"). USR2
# makes the master rename its pid file to .oldbin and start the new binary, which inherits the
# listening sockets and starts its workers beside the old ones; QUIT then has the old master's
# workers finish what they are sending (at most worker_shutdown_timeout) and exit. systemd follows
# the new master through PIDFile= when the old one exits (systemd src/core/service.c,
# service_sigchld_event: a forking service may move to a new PID if it updates the PID file first).
pid_file=/run/nginx/nginx.pid

# master_alive PID: the process runs (an exited one its parent has not reaped still answers kill -0).
master_alive() { [[ $(ps -o stat= -p "$1" 2> /dev/null) == [^Z]* ]]; }

# An upgrade a killed apply left half done: two masters side by side. The new one stays.
finish_interrupted_upgrade() {
    if [[ -f $pid_file.oldbin ]] && master_alive "$(< "$pid_file.oldbin")"; then
        log "finishing an interrupted upgrade: QUIT to the old master $(< "$pid_file.oldbin")"
        kill -QUIT "$(< "$pid_file.oldbin")"
    fi
}

upgrade_running_nginx() {
    local old new deadline
    old=$(< "$pid_file")
    kill -USR2 "$old"
    # The new master writes the pid file once it runs. One that fails to start leaves the old master
    # serving, and nginx puts its pid file back; the failure then restores the previous files.
    deadline=$((SECONDS + 30))
    until [[ -f $pid_file.oldbin && -s $pid_file && $(< "$pid_file") != "$old" ]] && master_alive "$(< "$pid_file")"; do
        (( SECONDS < deadline )) || die "the new nginx master did not start within 30 s; the old one ($old) still serves"
        sleep 0.2
    done
    new=$(< "$pid_file")
    kill -QUIT "$old"
    deadline=$((SECONDS + 30))
    while master_alive "$old"; do
        (( SECONDS < deadline )) || die "the old nginx master ($old) has not exited 30 s after QUIT"
        sleep 0.2
    done
    log "nginx upgraded in place: master $old -> $new"
}

if [[ -x $prefix/sbin/nginx && -f $marker && $(< "$marker") == "$want" ]]; then
    log "nginx 1.30.4 is already built with these options"
else
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

    # Only a finished build replaces the binary; on failure from here on, the old one comes back, and so do
    # the dynamic perl module and its Perl side, which make install replaces too: the old binary refuses a
    # module built for another version at its next reload or boot.
    save "$prefix/sbin/nginx"
    save "$prefix/modules"
    save "$prefix/perl"
    save "$marker"
    make -C "$build" install > /dev/null
    printf '%s\n' "$want" > "$marker"
    CHANGED+=("$prefix/sbin/nginx")
    log "installed: $("$prefix/sbin/nginx" -v 2>&1)"
fi

# What runs, against what is installed, rather than what this run changed: an apply killed after the
# install (or in the middle of the upgrade) is finished by the next one. /proc/PID/exe names the file
# the master runs: make install moved the old binary to nginx.old, and a removed one reads " (deleted)".
if systemctl is-active --quiet nginx.service; then
    finish_interrupted_upgrade
    if [[ $(readlink "/proc/$(< "$pid_file")/exe") != "$prefix/sbin/nginx" ]]; then
        # Test the live config with the new binary first.
        "$prefix/sbin/nginx" -t -q
        upgrade_running_nginx
    fi
fi
finish_apply
