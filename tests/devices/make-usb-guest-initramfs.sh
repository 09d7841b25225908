#!/usr/bin/env bash
# Builds the USB test guest's initramfs: busybox-static, the installed Debian
# kernel's xHCI and USB storage modules (xhci_pci, usb_storage, uas, sd_mod
# and what they depend on, decompressed, loaded in dependency order), and an
# /init that finds the redirected disk, reads a known payload from it, writes
# the payload's SHA-256 back, and says what happened on the serial port:
#   VIGIL-DISK <sectors> <ro>, VIGIL-READ <sha256>, VIGIL-WRITE ok|failed, VIGIL-DONE
# then powers the VM off.
#
# usage: make-usb-guest-initramfs.sh OUTPUT.cpio.gz
# Prints the kernel image to boot with it (/boot/vmlinuz-VERSION).
set -euo pipefail
output=$1
kernel=$(ls /boot/vmlinuz-* | sort -V | tail -n 1)
version=${kernel#/boot/vmlinuz-}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,lib/modules}
cp /bin/busybox "$root/bin/busybox"

# Dependency order: a module after everything it depends on.
declare -A seen=()
order=()
add_module() {
  local name=${1//-/_} dependency
  [ -n "${seen[$name]:-}" ] && return
  seen[$name]=1
  local file
  file=$(modinfo -k "$version" -F filename "$name" 2>/dev/null) || return 0  # built in
  [ "$file" = "(builtin)" ] && return
  for dependency in $(modinfo -k "$version" -F depends "$name" | tr ',' ' '); do
    add_module "$dependency"
  done
  local base
  base=$(basename "$file")
  base=${base%.xz}
  case "$file" in
    *.xz) xz -dc "$file" >"$root/lib/modules/$base" ;;
    *) cp "$file" "$root/lib/modules/$base" ;;
  esac
  order+=("$base")
}
for module in xhci_pci usb_storage uas sd_mod; do
  add_module "$module"
done
printf '%s\n' "${order[@]}" >"$root/modules.order"

cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
say() { echo "$@" >/dev/ttyS0; }
for module in $(cat /modules.order); do
  insmod "/lib/modules/$module" || say "VIGIL-INSMOD-FAILED $module"
done
i=0
while [ ! -b /dev/sda ] && [ $i -lt 900 ]; do sleep 0.1; i=$((i + 1)); done
if [ -b /dev/sda ]; then
  say "VIGIL-DISK $(cat /sys/block/sda/size) $(cat /sys/block/sda/ro)"
  sum=$(dd if=/dev/sda bs=512 count=128 2>/dev/null | sha256sum | cut -d' ' -f1)
  say "VIGIL-READ $sum"
  # usb-storage assumes a write-through cache; say it is write-back so the
  # fsync below reaches the disk as SYNCHRONIZE CACHE.
  for cache in /sys/class/scsi_disk/*/cache_type; do echo "temporary write back" >"$cache" 2>/dev/null; done
  if echo "$sum" | dd of=/dev/sda bs=512 seek=2048 conv=fsync 2>/dev/null; then
    say "VIGIL-WRITE ok"
  else
    say "VIGIL-WRITE failed"
  fi
else
  say "VIGIL-NO-DISK"
  dmesg | tail -n 30 >/dev/ttyS0
fi
say "VIGIL-DONE"
sleep 1
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$output"
echo "$kernel"
