# shellcheck shell=bash
# The base image: a fresh Debian of SUITE from Debian's packages (debootstrap), as a provider would
# hand over a new server, plus what the rehearsal needs to drive it, and the Debian packages the plan
# installs. Nothing of the origin's own is in it.
# Sourced by ../rehearse; defines build_image PACKAGE..., which sets IMAGE to the cached image
# directory and BASE_STATUS to its dpkg status (mirror.sh).
#
# Why the plan's packages come with the image: under TCG, apt took 13 to 20 minutes of the VM's run
# to install them (about 300 packages; natively, in a container, under a minute), and the VM is not
# where their install is proven: tests/containers/converge installs them on a fresh host of each
# release. The VM's packages step still runs; it finds them installed and adds the service user.

# What a fresh Debian host has beyond debootstrap's default set: a kernel, sshd, and mdadm for the
# RAID1 the disk rules act on. dbus for a normal systemd (systemd-run, logind).
IMAGE_PACKAGES=linux-image-amd64,systemd-sysv,udev,dbus,openssh-server,mdadm,initramfs-tools,ca-certificates
# The only address the guest can reach: a slirp guestfwd to the host's local mirror (see guest.sh).
GUEST_MIRROR=http://10.0.2.100

build_image() {
    local plan_packages=("$@")
    IMAGE=$CACHE/image-$SUITE-$(key "${BASH_SOURCE[0]}" "$SUITE" "$MIRROR" "$IMAGE_PACKAGES" "${plan_packages[*]}")
    # shellcheck disable=SC2034 # read by mirror.sh
    BASE_STATUS=$IMAGE/dpkg.status
    if [[ -f $IMAGE/root.qcow2 ]]; then
        log "base image: cached $IMAGE"
        return 0
    fi
    log "base image: debootstrap $SUITE into $IMAGE"
    local tmp root
    rm -rf "$CACHE"/image.tmp.*   # left by an interrupted build (one rehearsal at a time: flock /tmp/origin-vm.lock)
    tmp=$(mktemp -d "$CACHE/image.tmp.XXXXXX")
    root=$tmp/root
    debootstrap --include="$IMAGE_PACKAGES" "$SUITE" "$root" "$MIRROR" > "$tmp/debootstrap.log" 2>&1 \
        || { tail -n 30 "$tmp/debootstrap.log" >&2; die "debootstrap failed (log: $tmp/debootstrap.log)"; }

    echo origin-vm > "$root/etc/hostname"
    printf '127.0.0.1 localhost\n127.0.1.1 origin-vm\n::1 localhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
    echo '/dev/vda / ext4 defaults,errors=remount-ro 0 1' > "$root/etc/fstab"

    # slirp's fixed addresses; the static route is what a host has, slirp's restrict=on drops it.
    cat > "$root/etc/systemd/network/10-slirp.network" <<'NET'
[Match]
Name=en* eth*

[Network]
Address=10.0.2.15/24
Gateway=10.0.2.2
NET
    preinstall "$root" "${plan_packages[@]}" > "$tmp/preinstall.log" 2>&1 \
        || { tail -n 30 "$tmp/preinstall.log" >&2; die "installing the plan's packages into the image failed (log: $tmp/preinstall.log)"; }
    rm -f "$root/etc/apt/sources.list" "$root"/etc/apt/sources.list.d/*
    mirror_sources "$GUEST_MIRROR" > "$root/etc/apt/sources.list.d/debian.sources"

    # Assembles the two blank disks into an md RAID1 on first boot, as an installer would have;
    # later boots find the array by its superblocks (mdadm's udev rules), as on a real host, and keep
    # the name md0 on any host (homehost "any"), as an mdadm.conf would on a real one.
    cat > "$root/etc/systemd/system/rehearsal-raid.service" <<'UNIT'
[Unit]
Description=Create the md RAID1 of the rehearsal's two data disks (first boot only)
After=systemd-udev-settle.service
Wants=systemd-udev-settle.service
Before=ssh.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'mdadm --examine /dev/vdb > /dev/null 2>&1 || mdadm --create /dev/md0 --homehost=any --name=0 --run --assume-clean --level=1 --raid-devices=2 --metadata=1.2 /dev/vdb /dev/vdc'

[Install]
WantedBy=multi-user.target
UNIT

    # The rehearsal's login: a throwaway key made with the image, and the image's host key pinned.
    ssh-keygen -q -t ed25519 -N '' -C origin-rehearsal -f "$tmp/id_ed25519"
    install -d -m 700 "$root/root/.ssh"
    install -m 600 "$tmp/id_ed25519.pub" "$root/root/.ssh/authorized_keys"
    printf 'origin-vm %s\n' "$(cut -d' ' -f1,2 "$root/etc/ssh/ssh_host_ed25519_key.pub")" > "$tmp/known_hosts"

    chroot "$root" systemctl enable --quiet systemd-networkd.service rehearsal-raid.service
    chroot "$root" sh -c 'echo root:rehearsal | chpasswd'   # for the serial console, when debugging
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    # What is installed, so the mirror holds exactly what the plan adds (mirror.sh).
    cp "$root/var/lib/dpkg/status" "$tmp/dpkg.status"

    cp "$root"/boot/vmlinuz-* "$tmp/vmlinuz"
    cp "$root"/boot/initrd.img-* "$tmp/initrd.img"
    # An ext4 filesystem straight from the directory: no loop device or mount needed.
    mkfs.ext4 -q -L root -d "$root" "$tmp/root.raw" 8G
    qemu-img convert -O qcow2 "$tmp/root.raw" "$tmp/root.qcow2"
    rm -rf "$root" "$tmp/root.raw"
    mv "$tmp" "$IMAGE"
    find "$CACHE" -maxdepth 1 -name "image-$SUITE-*" ! -path "$IMAGE" -exec rm -rf {} +   # superseded images
    log "base image: built $IMAGE"
}

# preinstall ROOT PACKAGE...: installs the packages into the image's root as the plan's packages step
# does (files/lib/step.sh, ensure_packages: no recommends, nothing started), from Debian's archive with
# its updates and security updates, as the guest's mirror would serve them.
preinstall() {
    local root=$1 status=0 resolver=false
    shift
    cat > "$root/etc/apt/sources.list" <<LIST
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
LIST
    if [[ ! -e $root/etc/resolv.conf ]]; then cp /etc/resolv.conf "$root/etc/resolv.conf"; resolver=true; fi
    printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
    chmod 755 "$root/usr/sbin/policy-rc.d"
    mount -t proc proc "$root/proc"
    chroot "$root" apt-get update -qq && DEBIAN_FRONTEND=noninteractive chroot "$root" \
        apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confold "$@" || status=$?
    umount "$root/proc"
    rm -f "$root/usr/sbin/policy-rc.d"
    if [[ $resolver == true ]]; then rm -f "$root/etc/resolv.conf"; fi
    return "$status"
}
