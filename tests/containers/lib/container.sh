# shellcheck shell=bash
# The guest as a container: a copy of the release's fresh-host rootfs booted with its own systemd
# by systemd-nspawn, in a network namespace of its own holding only loopback; the local mirror is
# served inside that namespace, on the container's 127.0.0.1. Commands enter the container's
# namespaces by the leader's PID (nsenter): with --register=no there is no machined, hence no
# `machinectl shell` or `systemd-run -M`, and no SSH is needed.
# Sourced by ../converge; needs ROOTFS (rootfs.sh), MIRROR_DIR (mirror.sh) and RUN.

# The container's own loopback has nothing else on this port (the plan's services use others).
MIRROR_PORT=3142
GUEST_MIRROR=http://127.0.0.1:$MIRROR_PORT

# guest CMD: run CMD as root in the container, with a clean environment, like an SSH session.
guest() {
    nsenter --target "$(< "$RUN/leader.pid")" --all -- \
        /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        /bin/bash -c "$*"
}
# guest_new CMD: the VM's "new SSH connection"; a container is entered anew by every command.
guest_new() { guest "$@"; }

# boot_container: copy the rootfs, point apt at the local mirror, boot, wait for multi-user.target.
boot_container() {
    local root=$RUN/root deadline leader
    rm -rf "$root"
    cp -a "$ROOTFS" "$root"
    rm -f "$root/.complete"
    echo origin-ct > "$root/etc/hostname"
    rm -f "$root/etc/apt/sources.list" "$root"/etc/apt/sources.list.d/*
    mirror_sources "$GUEST_MIRROR" > "$root/etc/apt/sources.list.d/debian.sources"
    # dpkg's fsyncs dominate an install, and the copy is thrown away with the run (the VM's
    # cache=unsafe, for a container).
    echo force-unsafe-io > "$root/etc/dpkg/dpkg.cfg.d/rehearsal-unsafe-io"

    # The machine runs no systemd (no bus to register with, no scope to create) and mounts cgroup v1
    # with a v2 hierarchy beside it; systemd 257 refuses v1, so the container gets the unified one.
    SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 systemd-nspawn --quiet --register=no --keep-unit --private-network \
        --directory="$root" --machine="origin-$SUITE-$$" --boot > "$RUN/console.log" 2>&1 &
    echo $! > "$RUN/nspawn.pid"
    deadline=$((SECONDS + 60))
    until leader=$(pgrep -P "$(< "$RUN/nspawn.pid")" -x systemd) && [[ -n $leader ]]; do
        (( SECONDS < deadline )) || die "the container did not start (console: $RUN/console.log)"
        kill -0 "$(< "$RUN/nspawn.pid")" 2> /dev/null || die "systemd-nspawn exited (console: $RUN/console.log)"
        sleep 0.2
    done
    echo "$leader" > "$RUN/leader.pid"
    until [[ $(guest systemctl is-system-running 2> /dev/null) =~ ^(running|degraded)$ ]]; do
        (( SECONDS < deadline )) || die "the container's systemd did not finish booting (console: $RUN/console.log)"
        sleep 0.5
    done

    # The mirror, in the container's network namespace only: the host's files, the container's loopback.
    nsenter --target "$leader" --net -- python3 -m http.server --bind 127.0.0.1 --directory "$MIRROR_DIR" "$MIRROR_PORT" > "$RUN/mirror.log" 2>&1 &
    echo $! > "$RUN/mirror.pid"
    deadline=$((SECONDS + 10))
    until guest "exec 3<> /dev/tcp/127.0.0.1/$MIRROR_PORT" 2> /dev/null; do
        (( SECONDS < deadline )) || die "the mirror does not answer in the container"
        sleep 0.2
    done
}

stop_container() {
    local pid
    if [[ -f $RUN/mirror.pid ]]; then kill "$(< "$RUN/mirror.pid")" 2> /dev/null || true; rm -f "$RUN/mirror.pid"; fi
    [[ -f $RUN/nspawn.pid ]] || return 0
    pid=$(< "$RUN/nspawn.pid")
    if kill -0 "$pid" 2> /dev/null; then
        guest systemctl poweroff 2> /dev/null || true
        for _ in $(seq 30); do kill -0 "$pid" 2> /dev/null || break; sleep 1; done
        kill "$pid" 2> /dev/null || true
    fi
    rm -f "$RUN/nspawn.pid"
}
