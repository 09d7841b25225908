#!/bin/busybox sh
# /init of the real Linux test guest (docs/testing.md, "The real Linux guest").
# Loads the module groups, puts fbcon on the guest's own QXL driver, then runs
# one workload on the first virtual console (tty1), chosen by kernel
# arguments. It talks to the test on the first serial port, one line per
# event, each starting with "vigil-guest: ":
#   ready workload=W fb=WxH     modules loaded, fbcon on QXL, the workload starts
#   drawn page=N                draw: page N is on the screen, the guest waits for a key
#   key XX                      echo/draw: a byte typed on tty1 (hex), in order
#   cursor set WxH hot=X,Y      the guest cursor program set its DRM cursor
#   scroll done lines=N         scroll: N lines written
#   failed: WHY                 something the test needs did not work
#   usb-disk sectors=N ro=R     usb-disk: the redirected disk appeared as /dev/sda
#   usb-disk read SHA256        ... the SHA-256 of its first 64 KiB
#   usb-disk write ok|failed    ... writing that sum at sector 2048 with fsync
#
# Kernel arguments:
#   vigil.workload=idle|draw|echo|scroll|usb-disk   (default idle; usb-disk wants vigil.modules=usb)
#   vigil.modules=agent,usb,tablet         module groups besides display
#   vigil.cursor=1                         set a DRM cursor (bin/vigil-guest-cursor)
#   vigil.scroll_lines=N                   scroll: stop after N lines (default: never)
#   vigil.scroll_pause_ms=N                scroll: pause between 48-line chunks
#   vigil.pages=N                          draw: pages before it idles (default 2)

/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

say() { echo "vigil-guest: $*" > /dev/ttyS0; }

workload=idle modules="" cursor=0 scroll_lines=0 scroll_pause_ms=0 pages=2
for argument in $(cat /proc/cmdline); do
  case "$argument" in
    vigil.workload=*) workload=${argument#*=} ;;
    vigil.modules=*) modules=${argument#*=} ;;
    vigil.cursor=*) cursor=${argument#*=} ;;
    vigil.scroll_lines=*) scroll_lines=${argument#*=} ;;
    vigil.scroll_pause_ms=*) scroll_pause_ms=${argument#*=} ;;
    vigil.pages=*) pages=${argument#*=} ;;
  esac
done

for group in display $(echo "$modules" | tr , ' '); do
  [ -r "/lib/modules/$group.order" ] || { say "failed: no module group $group"; continue; }
  while read -r module; do
    [ -d "/sys/module/$module" ] || insmod "/lib/modules/$module.ko" 2>/dev/ttyS0 || say "failed: insmod $module"
  done < "/lib/modules/$group.order"
done

# fbcon takes tty1 once the QXL driver's framebuffer is registered (slow
# under TCG on a busy host: the test's own deadline decides, not this one).
tries=0
while [ ! -e /sys/class/graphics/fb0 ] && [ $tries -lt 3000 ]; do usleep 50000; tries=$((tries + 1)); done
[ -e /sys/class/graphics/fb0 ] || say "failed: no framebuffer from the qxl driver"
echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null
fb=$(cat /sys/class/graphics/fb0/virtual_size 2>/dev/null | tr , x)

console=/dev/tty1
# Held open for good: keys typed while no process has the console open
# would be lost with its input buffer.
exec 3<>$console
stty -F $console raw -echo 2>/dev/null
printf '\033[?25l\033[2J\033[H' > $console   # no text cursor, clear, home

# One byte from the console, as two hex digits ("" at end of input).
read_key() { dd bs=1 count=1 <&3 2>/dev/null | hexdump -v -e '1/1 "%02x"'; }

# A page whose every cell is known: a title, then rows of coloured text.
draw_page() {
  printf '\033[2J\033[H\033[1;37;44m vigil test guest: page %s \033[0m\r\n\r\n' "$1" > $console
  row=0
  while [ $row -lt 40 ]; do
    colour=$((31 + (row + $1) % 7))
    printf '\033[%sm%03d the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ\033[0m\r\n' \
      "$colour" "$row" > $console
    row=$((row + 1))
  done
}

if [ "$cursor" = 1 ]; then
  vigil-guest-cursor > /dev/ttyS0 2>&1 &
fi

say "ready workload=$workload fb=$fb"
case "$workload" in
  draw)
    page=1
    while [ $page -le "$pages" ]; do
      draw_page $page
      say "drawn page=$page"
      key=$(read_key)
      say "key $key"
      page=$((page + 1))
    done
    ;;
  echo)
    printf 'vigil test guest: type, each byte goes to the serial port\r\n' > $console
    while :; do
      key=$(read_key)
      [ -n "$key" ] && say "key $key"
    done
    ;;
  scroll)
    line=0
    while [ "$scroll_lines" = 0 ] || [ $line -lt "$scroll_lines" ]; do
      chunk=0
      while [ $chunk -lt 48 ]; do
        printf '%08d scrolling text for the frame benchmark: the quick brown fox jumps over the lazy dog\r\n' $line > $console
        line=$((line + 1)) chunk=$((chunk + 1))
      done
      [ "$scroll_pause_ms" -gt 0 ] && usleep $((scroll_pause_ms * 1000))
    done
    say "scroll done lines=$line"
    ;;
  usb-disk)
    tries=0
    while [ ! -b /dev/sda ] && [ $tries -lt 1800 ]; do usleep 100000; tries=$((tries + 1)); done
    if [ ! -b /dev/sda ]; then
      say "failed: no redirected disk (/dev/sda)"
    else
      say "usb-disk sectors=$(cat /sys/block/sda/size) ro=$(cat /sys/block/sda/ro)"
      sum=$(dd if=/dev/sda bs=512 count=128 2>/dev/null | sha256sum | cut -d' ' -f1)
      say "usb-disk read $sum"
      # usb-storage assumes a write-through cache; say write-back so the
      # fsync below reaches the disk as SYNCHRONIZE CACHE.
      for cache in /sys/class/scsi_disk/*/cache_type; do echo "temporary write back" > "$cache" 2>/dev/null; done
      if echo "$sum" | dd of=/dev/sda bs=512 seek=2048 conv=fsync 2>/dev/null; then
        say "usb-disk write ok"
      else
        say "usb-disk write failed"
      fi
    fi
    ;;
  idle) ;;
  *) say "failed: unknown workload $workload" ;;
esac
while :; do sleep 3600; done
