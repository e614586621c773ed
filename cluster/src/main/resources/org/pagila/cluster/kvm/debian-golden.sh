#!/usr/bin/env bash
# Builds the KVM topology's golden image from Debian packages, with no bootloader: an ext4 file system image
# (no partition table) plus the kernel and initrd beside it, for libvirt's direct kernel boot
# (root=/dev/vda). Everything the VMs need is baked in, because they have no route to a package mirror.
# Run by DebianGoldenImage as root on the host (it needs the mirror), inside `unshare --mount` so the /proc
# and /dev mounts of the chroot vanish with the process, whatever happens.
# usage: debian-golden.sh OUT_DIR SUITE MIRROR DISK_GIB POSTGRESQL_VERSION VM_USER
set -euo pipefail
out=$1 suite=$2 mirror=$3 disk_gib=$4 pg=$5 vm_user=$6
root="$out/rootfs"
rm -rf "$root" && mkdir -p "$root"
step() { echo "[debian-golden] $*"; }

# minbase plus what boots and what cloud-init needs; the rest after a policy-rc.d exists, so that no
# package starts a service on the host (postgresql's postinst would, on port 5432).
step "debootstrap $suite (minbase) from $mirror"
debootstrap --variant=minbase --include=systemd-sysv,udev,dbus,kmod,iproute2,procps,ca-certificates \
  "$suite" "$root" "$mirror" >"$out/debootstrap.log" 2>&1 || { tail -n 30 "$out/debootstrap.log"; exit 1; }
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount -t devpts devpts "$root/dev/pts"
echo "deb $mirror $suite main" >"$root/etc/apt/sources.list"
# No manuals, documentation or translations: a smaller image copies, converts and boots faster.
cat >"$root/etc/dpkg/dpkg.cfg.d/01-pagila-nodoc" <<'NODOC'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
NODOC
step "packages: kernel, openssh-server, sudo, cloud-init, netplan.io, python3-cffi-backend, postgresql-$pg"
chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 sh -c "apt-get -q update && apt-get -q -y \
  --no-install-recommends install linux-image-cloud-amd64 initramfs-tools e2fsprogs openssh-server sudo cloud-init \
  netplan.io python3-cffi-backend postgresql-$pg postgresql-client-$pg" >"$out/apt.log" 2>&1 \
  || { tail -n 30 "$out/apt.log"; exit 1; }

step "configuration: fstab, cloud-init (NoCloud only, trimmed modules), services"
echo "/dev/vda / ext4 errors=remount-ro 0 1" >"$root/etc/fstab"
echo "pagila-golden" >"$root/etc/hostname"
cat >"$root/etc/cloud/cloud.cfg.d/90-pagila.cfg" <<CFG
# Only the seed disk (label cidata) is a data source: no probing for clouds that are not there.
datasource_list: [ NoCloud, None ]
system_info:
  default_user:
    name: $vm_user
    sudo: "ALL=(ALL) NOPASSWD:ALL"
    shell: /bin/bash
    lock_passwd: true
  network:
    renderers: [ netplan ]
# Only what the topology's user-data uses, all in the first (network) stage: under emulation every module
# costs seconds, and the config and final stages cost a Python start each even with nothing to do.
cloud_init_modules: [ write_files, set_hostname, update_hostname, users_groups, ssh, locale ]
cloud_config_modules: [ ]
cloud_final_modules: [ ]
ssh_genkeytypes: [ ed25519 ]
CFG
# Timers and units a short-lived lab VM does not need (each costs boot time under emulation). cloud-init's
# config and final stages have no modules here but still cost a Python start each (46 s and 18 s of a 3.5-minute
# boot under TCG, systemd-analyze blame): masked, so cloud-init ends with its network stage, whose end
# /run/cloud-init/status.json records (what apply waits for).
chroot "$root" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service \
  fstrim.timer man-db.timer systemd-networkd-wait-online.service cloud-config.service cloud-final.service >/dev/null 2>&1 || true
# cloud-init's local stage renders the seed's addresses into /etc/netplan and then runs `netplan generate`: netplan's
# Python front end, which only runs the C generator /lib/netplan/generate (cli/commands/generate.py, without options).
# That Python start cost about 20 s of each boot under emulation. /usr/local/sbin comes first on systemd's PATH, so
# this wrapper runs the generator itself for exactly that call and hands every other netplan command to netplan.
cat >"$root/usr/local/sbin/netplan" <<'NETPLAN'
#!/bin/sh
# Pagila KVM image: `netplan generate` without options is /lib/netplan/generate (see debian-golden.sh).
if [ "$#" -eq 1 ] && [ "$1" = generate ] && [ -z "${SNAP:-}" ]; then exec /lib/netplan/generate; fi
exec /usr/sbin/netplan "$@"
NETPLAN
chmod 755 "$root/usr/local/sbin/netplan"
# The locale the seeds ask for (C.UTF-8) is already the system's: cloud-init's locale module then runs nothing.
# With no LANG here it ran update-locale, a Perl start, on every first boot.
echo "LANG=C.UTF-8" >"$root/etc/default/locale"
# The package's cluster stays off at boot until apply configures and starts it (the engine's start sets start.conf
# back to auto): a first boot under TCG otherwise spent 36 s starting a server that apply then restarts.
echo manual >"$root/etc/postgresql/$pg/main/start.conf"
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/*/changelog*
rm -f "$root/etc/machine-id" "$root/var/lib/dbus/machine-id" && : >"$root/etc/machine-id"
rm -f "$root/usr/sbin/policy-rc.d"
umount "$root/dev/pts" "$root/dev" "$root/proc"

step "kernel and initrd for direct boot"
cp -L "$root/vmlinuz" "$out/vmlinuz"
cp -L "$root/initrd.img" "$out/initrd.img"
step "ext4 image of ${disk_gib} GiB from the tree (mkfs.ext4 -d: no loop device), then qcow2"
rm -f "$out/disk.raw"
truncate -s "${disk_gib}G" "$out/disk.raw"
mkfs.ext4 -q -F -L pagila-root -d "$root" "$out/disk.raw"
qemu-img convert -O qcow2 "$out/disk.raw" "$out/disk.qcow2"
rm -rf "$out/disk.raw" "$root"
step "done: $(du -sh "$out/disk.qcow2" | cut -f1) disk.qcow2"
