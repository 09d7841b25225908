#!/usr/bin/env bash
# Builds the real Linux test guest (docs/testing.md, "The real Linux guest"):
# OUTPUT_DIR/vmlinuz (Debian's kernel) and OUTPUT_DIR/initramfs.cpio.gz with
# busybox-static, the guest's /init, the guest cursor program, and the kernel
# modules of each module group (plus their dependencies, decompressed, in
# load order). Only Debian packages: linux-image-amd64, busybox-static, cpio.
#
#   build-initramfs.sh OUTPUT_DIR INIT_SCRIPT CURSOR_PROGRAM
#
# $VIGIL_GUEST_KERNEL_VERSION picks a kernel (default: the newest one with
# both /boot/vmlinuz-V and /lib/modules/V).
set -euo pipefail

output_dir=$1
init_script=$2
cursor_program=$3

# Module groups: /init always loads `display` and the groups named by the
# kernel argument vigil.modules=a,b.
declare -A groups=(
  [display]="qxl"                                  # the guest's own QXL KMS driver, fbcon on it
  [agent]="virtio_pci virtio_console"              # virtio serial: the SPICE agent port
  [usb]="xhci_pci usb_storage uas sd_mod"          # a redirected USB disk (tests/devices)
  [tablet]="xhci_pci usbhid hid_generic"           # QEMU's usb-tablet, seen by the guest
)

fail() { echo "build-initramfs: $*" >&2; exit 1; }

kernel_version=${VIGIL_GUEST_KERNEL_VERSION:-}
if [ -z "$kernel_version" ]; then
  for modules in $(ls -d /lib/modules/*/ 2>/dev/null | sort -V -r); do
    candidate=$(basename "$modules")
    if [ -r "/boot/vmlinuz-$candidate" ]; then kernel_version=$candidate; break; fi
  done
fi
[ -n "$kernel_version" ] || fail "no kernel with /boot/vmlinuz-V and /lib/modules/V: apt-get install linux-image-amd64"
[ -r "/boot/vmlinuz-$kernel_version" ] || fail "cannot read /boot/vmlinuz-$kernel_version"
[ -x /bin/busybox ] && file_is_static=$(ldd /bin/busybox 2>&1 || true)
case "${file_is_static:-missing}" in
  *"not a dynamic executable"*) ;;
  *) fail "/bin/busybox is missing or not static: apt-get install busybox-static" ;;
esac
command -v cpio >/dev/null || fail "no cpio: apt-get install cpio"
command -v modinfo >/dev/null || fail "no modinfo: apt-get install kmod"

stage=$(mktemp -d "${TMPDIR:-/tmp}/vigil-guest-XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,lib/modules}
cp /bin/busybox "$stage/bin/busybox"
cp "$init_script" "$stage/init"
chmod 755 "$stage/init"
cp "$cursor_program" "$stage/bin/vigil-guest-cursor"

declare -A placed=()   # module -> done (copied) or builtin
# Copies `module` and its dependencies into the initramfs, each once.
place_module() {
  local module=${1//-/_} file
  [ -n "${placed[$module]:-}" ] && return 0
  for dependency in $(modinfo -k "$kernel_version" -F depends "$module" | tr , ' '); do place_module "$dependency"; done
  file=$(modinfo -k "$kernel_version" -n "$module") || fail "no module $module in kernel $kernel_version"
  placed[$module]=done
  case "$file" in
    *.ko) cp "$file" "$stage/lib/modules/$module.ko" ;;
    *.ko.xz) xz -dc "$file" > "$stage/lib/modules/$module.ko" ;;
    *.ko.zst) zstd -qdc "$file" > "$stage/lib/modules/$module.ko" ;;
    *.ko.gz) gzip -dc "$file" > "$stage/lib/modules/$module.ko" ;;
    *) placed[$module]=builtin ;;
  esac
}

declare -A listed=()
# Appends `module` to the group's load order after its dependencies.
list_in_order() {
  local module=${1//-/_} order_file=$2
  [ -n "${listed[$module]:-}" ] && return 0
  listed[$module]=1
  for dependency in $(modinfo -k "$kernel_version" -F depends "$module" | tr , ' '); do
    list_in_order "$dependency" "$order_file"
  done
  if [ "${placed[$module]}" = done ]; then echo "$module" >> "$order_file"; fi
}

for group in "${!groups[@]}"; do
  order_file="$stage/lib/modules/$group.order"
  : > "$order_file"
  listed=()
  for module in ${groups[$group]}; do
    place_module "$module"
    list_in_order "$module" "$order_file"
  done
done

mkdir -p "$output_dir"
(cd "$stage" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) | gzip -1 > "$output_dir/initramfs.cpio.gz.new"
mv "$output_dir/initramfs.cpio.gz.new" "$output_dir/initramfs.cpio.gz"
cp "/boot/vmlinuz-$kernel_version" "$output_dir/vmlinuz"
echo "$kernel_version" > "$output_dir/kernel-version"
echo "build-initramfs: kernel $kernel_version, $(ls "$stage/lib/modules" | grep -c '\.ko$') modules," \
     "$(du -k "$output_dir/initramfs.cpio.gz" | cut -f1) KiB in $output_dir"
