# shellcheck shell=bash
# Root filesystems of a Debian release made by debootstrap from Debian's mirror, cached under
# $ORIGIN_ROOTFS_CACHE (default /var/cache/origin-rootfs) and keyed by their inputs:
#   host   a fresh host of that release, as a provider hands one over (the containers boot it);
#   tools  the programs that read the rendered files (the real-tool checks run them).
# Sourced; needs log, die and key (tests/vm/lib/common.sh) and MIRROR.

ROOTFS_CACHE=${ORIGIN_ROOTFS_CACHE:-/var/cache/origin-rootfs}

# What each kind holds beyond debootstrap's default set (required and important priorities).
# host: a booting systemd with dbus (systemctl, systemd-run), as the VM's image has minus the kernel.
# tools: systemd-analyze, nft, nginx -t (with the perl module of the token check), redis-server,
# promtool and openssl of that release, and the programs the units start (systemd-analyze verify
# checks they exist).
rootfs_packages() {
    case $1 in
        host) echo systemd-sysv,dbus,ca-certificates ;;
        tools) echo systemd,nftables,nginx,libnginx-mod-http-perl,redis-server,prometheus,openssl,gunicorn,prometheus-node-exporter,prometheus-nginx-exporter,prometheus-redis-exporter ;;
        *) die "no rootfs kind $1" ;;
    esac
}

# build_rootfs SUITE KIND: sets ROOTFS to the cached root filesystem, building it when missing.
# $ROOTFS_CACHE/SUITE-KIND links to the current one, for the tests that only read it.
build_rootfs() {
    local suite=$1 kind=$2 packages tmp
    packages=$(rootfs_packages "$kind")
    # Keyed by what makes it: this function, the suite, the mirror and the packages.
    ROOTFS=$ROOTFS_CACHE/$suite-$kind-$(key "$(declare -f build_rootfs)" "$suite" "$MIRROR" "$packages")
    mkdir -p "$ROOTFS_CACHE"
    # One build per rootfs at a time; a second caller waits and then finds it built.
    exec {lock}> "$ROOTFS_CACHE/.$suite-$kind.lock"
    flock "$lock"
    if [[ ! -f $ROOTFS/.complete ]]; then
        log "rootfs: debootstrap $suite ($kind: $packages)"
        rm -rf "$ROOTFS_CACHE/$suite-$kind.tmp"
        tmp=$ROOTFS_CACHE/$suite-$kind.tmp
        mkdir -p "$tmp"
        # Postinst scripts must not start the packages' services in the build's namespace.
        if ! debootstrap --include="$packages" "$suite" "$tmp/root" "$MIRROR" > "$tmp/debootstrap.log" 2>&1; then
            tail -n 30 "$tmp/debootstrap.log" >&2
            die "debootstrap $suite failed (log: $tmp/debootstrap.log)"
        fi
        rm -rf "$tmp"/root/var/cache/apt/archives/*.deb "$tmp"/root/var/lib/apt/lists/*
        mv "$tmp/root" "$ROOTFS"
        rm -rf "$tmp"
        touch "$ROOTFS/.complete"
        find "$ROOTFS_CACHE" -maxdepth 1 -name "$suite-$kind-*" ! -path "$ROOTFS" -exec rm -rf {} +   # superseded
        log "rootfs: built $ROOTFS ($(du -sh "$ROOTFS" | cut -f1))"
    fi
    ln -sfn "$ROOTFS" "$ROOTFS_CACHE/$suite-$kind"
    exec {lock}>&-
}
