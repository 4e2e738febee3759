# nginx {{version}} from its pinned, checksummed source, built into {{prefix}} as on the audited host.
# Skipped when the installed build already has this version, checksum and set of options.
prefix={{prefix}}
marker=$prefix/.origin-build
want={{build_id}}

if [[ -x $prefix/sbin/nginx && -f $marker && $(< "$marker") == "$want" ]]; then
    log "nginx {{version}} is already built with these options"
    finish_apply
    exit 0
fi

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
