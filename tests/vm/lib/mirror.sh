# shellcheck shell=bash
# The local mirror: the Debian packages the plan installs and nginx's source tarball, served on the
# host's loopback to the guest, which reaches nothing else. It stands in for deb.debian.org and
# nginx.org on a real host. Sourced by ../rehearse and ../../containers/converge; needs SUITE,
# BASE_STATUS (the dpkg status of the fresh host: image.sh, rootfs.sh) and RUN.

# nginx_source SUITE: sets NGINX_VERSION and NGINX_SHA256 to the release's Debian orig tarball, the
# pinned bytes the plan's nginx-build checks (apt verified them against the signed Sources index).
nginx_source() {
    case $1 in
        bookworm) NGINX_VERSION=1.22.1 NGINX_SHA256=9ebb333a9e82b952acd3e2b4aeb1d4ff6406f72491bab6cd9fe69f0dea737f31 ;;
        trixie) NGINX_VERSION=1.26.3 NGINX_SHA256=69ee2b237744036e61d24b836668aad3040dda461fe6f570f1787eab570c75aa ;;
        *) die "no nginx source pinned for $1" ;;
    esac
}

# host_apt ARGS...: the host's apt-get, pointed at SUITE and at the fresh host's package database
# instead of its own, so it resolves what the fresh guest lacks.
host_apt() {
    local dir=$CACHE/apt-$SUITE
    install -d "$dir/state/lists/partial" "$dir/cache/archives/partial" "$dir/empty"
    cat > "$dir/sources.list" <<LIST
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $SUITE main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $SUITE-updates main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $SECURITY_MIRROR $SUITE-security main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $SUITE main
LIST
    apt-get -q \
        -o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts="$dir/empty" \
        -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts="$dir/empty" \
        -o Dir::State="$dir/state" -o Dir::State::status="$BASE_STATUS" -o Dir::Cache="$dir/cache" \
        -o APT::Architecture=amd64 -o APT::Architectures::=amd64 -o APT::Install-Recommends=false \
        -o Debug::NoLocking=true "$@"
}

# build_mirror NAME PACKAGE...: sets MIRROR_DIR to a directory with debian/ (a flat apt repository of
# the packages and everything they pull in) and src/ (the nginx tarball). NAME tells apart the mirrors
# of different fresh hosts (the VM's image, a container's rootfs) that share the cache.
build_mirror() {
    local name=$1 tmp lock
    shift
    nginx_source "$SUITE"
    MIRROR_DIR=$CACHE/mirror-$name-$(key "${BASH_SOURCE[0]}" "$SUITE" "$BASE_STATUS" "$*" "$NGINX_VERSION" "$NGINX_SHA256")
    mkdir -p "$CACHE"
    # One build per suite at a time: they share host_apt's state.
    exec {lock}> "$CACHE/.mirror-$SUITE.lock"
    flock "$lock"
    if [[ -f $MIRROR_DIR/debian/Release ]]; then
        log "mirror: cached $MIRROR_DIR"
        exec {lock}>&-
        return 0
    fi
    rm -rf "$CACHE/mirror-$name.tmp"   # left by an interrupted build
    tmp=$CACHE/mirror-$name.tmp
    mkdir -p "$tmp/debian" "$tmp/src"
    log "mirror: downloading $* and their dependencies"
    host_apt update -qq > "$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log" >&2; die "apt-get update failed"; }
    rm -f "$CACHE"/apt-"$SUITE"/cache/archives/*.deb
    host_apt install --download-only -y -qq "$@" >> "$tmp/apt.log" 2>&1 || { tail -n 30 "$tmp/apt.log" >&2; die "downloading the packages failed"; }
    # None, where the fresh host has them all already (the VM's image: image.sh).
    find "$CACHE/apt-$SUITE/cache/archives" -maxdepth 1 -name '*.deb' -exec mv -t "$tmp/debian/" {} +
    (cd "$tmp/debian" && dpkg-scanpackages --multiversion . 2> /dev/null > Packages && gzip -9k Packages)
    # apt wants a Release file even from a [trusted=yes] source; the checksums are all it needs.
    {
        echo "Origin: origin-rehearsal"
        echo "Date: $(date -Ru)"
        echo "SHA256:"
        for f in Packages Packages.gz; do
            printf ' %s %s %s\n' "$(sha256sum < "$tmp/debian/$f" | cut -d' ' -f1)" "$(stat -c %s "$tmp/debian/$f")" "$f"
        done
    } > "$tmp/debian/Release"

    log "mirror: nginx $NGINX_VERSION source (Debian's orig tarball)"
    # Only the orig tarball is used: a partial mirror may lack the rest of the source package.
    (cd "$tmp/src" && host_apt source --download-only -qq nginx > /dev/null 2>> "$tmp/apt.log") || true
    [[ -f $tmp/src/nginx_$NGINX_VERSION.orig.tar.gz ]] || { tail -n 5 "$tmp/apt.log" >&2; die "apt-get source nginx brought no nginx_$NGINX_VERSION.orig.tar.gz"; }
    echo "$NGINX_SHA256  $tmp/src/nginx_$NGINX_VERSION.orig.tar.gz" | sha256sum --check --quiet \
        || die "Debian's nginx_$NGINX_VERSION.orig.tar.gz does not have the pinned sha256"
    find "$tmp/src" -type f ! -name "nginx_$NGINX_VERSION.orig.tar.gz" -delete
    mv "$tmp" "$MIRROR_DIR"
    find "$CACHE" -maxdepth 1 -name "mirror-$name-*" ! -path "$MIRROR_DIR" -exec rm -rf {} +   # superseded mirrors
    log "mirror: $(find "$MIRROR_DIR/debian" -name '*.deb' | wc -l) packages, $(du -sh "$MIRROR_DIR" | cut -f1)"
    exec {lock}>&-
}

# mirror_sources URL: the apt source of the local mirror at URL, in deb822 (debian.sources, as a new
# install of either release writes it). It stands in for deb.debian.org: unsigned, so trusted explicitly.
mirror_sources() { printf 'Types: deb\nURIs: %s/debian/\nSuites: ./\nTrusted: yes\n' "$1"; }

# serve_mirror: HTTP on 127.0.0.1:MIRROR_PORT, only; the guest reaches it through slirp (guest.sh).
serve_mirror() {
    MIRROR_PORT=$(free_port)
    python3 -m http.server --bind 127.0.0.1 --directory "$MIRROR_DIR" "$MIRROR_PORT" > "$RUN/mirror.log" 2>&1 &
    echo $! > "$RUN/mirror.pid"
    local deadline=$((SECONDS + 10))
    until curl -fs -o /dev/null "http://127.0.0.1:$MIRROR_PORT/debian/Release"; do
        (( SECONDS < deadline )) || die "the mirror does not answer on 127.0.0.1:$MIRROR_PORT"
        sleep 0.2
    done
}
