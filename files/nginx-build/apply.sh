# nginx {{version}} from its pinned, checksummed source, built into {{prefix}} as on the audited host.
# The build is skipped when the installed one already has this version, checksum and set of options;
# either way, a running nginx ends on the installed binary.
prefix={{prefix}}
marker=$prefix/.origin-build
want={{build_id}}
{{upgrade}}

if [[ -x $prefix/sbin/nginx && -f $marker && $(< "$marker") == "$want" ]]; then
    log "nginx {{version}} is already built with these options"
else
    cache=/var/cache/origin-stack
    tarball=$cache/nginx-{{version}}.tar.gz
    install -d -m 755 "$cache"
    if ! { [[ -f $tarball ]] && echo "{{sha256}}  $tarball" | sha256sum --check --status; }; then
        log "downloading {{url}}"
        curl --fail --silent --show-error --location --proto '=https,http' --retry 3 --output "$tarball.part" {{url}}
        if ! echo "{{sha256}}  $tarball.part" | sha256sum --check --status; then
            rm -f "$tarball.part"
            die "nginx-{{version}}.tar.gz does not have the pinned sha256 {{sha256}}; refusing to build it"
        fi
        mv -f "$tarball.part" "$tarball"
    fi

    build=$(mktemp -d "$cache/build.XXXXXX")
    trap 'rm -rf "$build"' EXIT
    tar -xzf "$tarball" -C "$build" --strip-components=1
    log "configuring and compiling"
    if ! (cd "$build" && ./configure {{configure}} > configure.log 2>&1 && make -j"$(nproc)" > make.log 2>&1); then
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
