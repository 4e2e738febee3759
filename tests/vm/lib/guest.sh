# shellcheck shell=bash
# The guest: boot the base image under QEMU (TCG), reach it over SSH, reboot it, stop it.
# Sourced by ../rehearse; expects IMAGE (image.sh), RUN (the run directory) and MIRROR_PORT.


# free_port: a port nothing listens on at 127.0.0.1.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# guest CMD: run CMD as root in the guest, over the shared connection when there is one.
guest() { ssh -F "$RUN/ssh_config" origin-vm -- "$@"; }
# guest_new CMD: the same over a NEW TCP connection (the firewall confirm must prove one gets in).
guest_new() { ssh -F "$RUN/ssh_config" -o ControlPath=none origin-vm -- "$@"; }

# wait_for_ssh SECONDS [BOOT_ID]: until a new connection logs in (to a boot other than BOOT_ID);
# then opens the shared connection. The master is started on its own with its output detached: one
# forked by ControlMaster=auto keeps the first caller's stdout open, and $(guest ...) would hang.
wait_for_ssh() {
    local deadline=$((SECONDS + $1)) previous=${2:-} boot
    until boot=$(guest_new cat /proc/sys/kernel/random/boot_id 2> /dev/null) && [[ $boot != "$previous" ]]; do
        (( SECONDS < deadline )) || die "no SSH from the guest after $1 s (console: $RUN/console.log)"
        kill -0 "$(< "$RUN/qemu.pid")" 2> /dev/null || die "QEMU exited (console: $RUN/console.log)"
        sleep 2
    done
    ssh -F "$RUN/ssh_config" -o ControlMaster=yes -f -N origin-vm < /dev/null > /dev/null 2>&1
}

boot_guest() {
    # A copy-on-write layer over the cached image, and two blank disks for the RAID1.
    qemu-img create -q -f qcow2 -b "$IMAGE/root.qcow2" -F qcow2 "$RUN/root.qcow2"
    qemu-img create -q -f raw "$RUN/raid-a.raw" 256M
    qemu-img create -q -f raw "$RUN/raid-b.raw" 256M

    # restrict=on: slirp routes nothing from the guest anywhere. The explicit forwards still work:
    # SSH in from the host's loopback, and one way out, 10.0.2.100:80, to the host's local mirror.
    # (slirp does not allow a guestfwd on 10.0.2.2 itself.) A chardev target serves one connection
    # only, so each connection runs the forwarder below.
    cat > "$RUN/mirror-forward" <<FWD
#!/bin/bash
# One guest connection to the local mirror on 127.0.0.1:$MIRROR_PORT: copy both ways, end with the server.
set -euo pipefail
exec 3<> /dev/tcp/127.0.0.1/$MIRROR_PORT
cat <&3 &
cat >&3 || true
wait
FWD
    chmod 755 "$RUN/mirror-forward"

    SSH_PORT=$(free_port)
    cat > "$RUN/ssh_config" <<CONF
Host origin-vm
    HostName 127.0.0.1
    Port $SSH_PORT
    User root
    IdentityFile $IMAGE/id_ed25519
    IdentitiesOnly yes
    UserKnownHostsFile $IMAGE/known_hosts
    HostKeyAlias origin-vm
    StrictHostKeyChecking yes
    BatchMode yes
    ConnectTimeout 10
    ServerAliveInterval 10
    ServerAliveCountMax 6
    ControlMaster no
    ControlPath $RUN/ssh-%C
    LogLevel ERROR
CONF

    # KVM hangs at kernel entry on these hosts; TCG with one thread per vCPU works. The root disk
    # ignores flushes (cache=unsafe): dpkg's fsyncs dominate an emulated install, and the disk is
    # thrown away with the run (a guest reboot keeps the QEMU process, so nothing is lost).
    qemu-system-x86_64 \
        -machine q35 -accel tcg,thread=multi -smp 2 -m "$REHEARSAL_RAM_MIB" \
        -display none -serial "file:$RUN/console.log" -monitor none \
        -kernel "$IMAGE/vmlinuz" -initrd "$IMAGE/initrd.img" \
        -append "root=/dev/vda rw console=ttyS0 systemd.show_status=false" \
        -drive "file=$RUN/root.qcow2,if=virtio,format=qcow2,cache=unsafe" \
        -drive "file=$RUN/raid-a.raw,if=virtio,format=raw" \
        -drive "file=$RUN/raid-b.raw,if=virtio,format=raw" \
        -netdev "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:$SSH_PORT-:22,guestfwd=tcp:10.0.2.100:80-cmd:$RUN/mirror-forward" \
        -device virtio-net-pci,netdev=net0 \
        -device virtio-rng-pci \
        > "$RUN/qemu.log" 2>&1 &
    echo $! > "$RUN/qemu.pid"
    wait_for_ssh 300
}

# reboot_guest: a real reboot (QEMU resets and boots the kernel again); returns once SSH is back.
reboot_guest() {
    local before
    before=$(guest cat /proc/sys/kernel/random/boot_id)
    guest systemctl reboot || true
    ssh -F "$RUN/ssh_config" -O exit origin-vm 2> /dev/null || true
    wait_for_ssh 300 "$before"
}

stop_guest() {
    [[ -f $RUN/qemu.pid ]] || return 0
    local pid
    pid=$(< "$RUN/qemu.pid")
    ssh -F "$RUN/ssh_config" -O exit origin-vm 2> /dev/null || true
    if kill -0 "$pid" 2> /dev/null; then
        ssh -F "$RUN/ssh_config" -o ControlPath=none -o ConnectTimeout=5 origin-vm -- systemctl poweroff 2> /dev/null || true
        for _ in $(seq 30); do kill -0 "$pid" 2> /dev/null || break; sleep 1; done
        kill "$pid" 2> /dev/null || true
    fi
    rm -f "$RUN/qemu.pid"
}
