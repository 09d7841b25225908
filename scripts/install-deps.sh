#!/usr/bin/env bash
# Installs every Debian 12 package Vigil needs to build, test, fuzz and run its
# local SPICE servers. Idempotent; run as root. Takes ~30 s on a warm mirror.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  # libraries the build links
  libcaf-dev libsfml-dev libspdlog-dev libfmt-dev libboost-test-dev libssl-dev
  libspice-protocol-dev libspice-server-dev libjpeg-dev liblz4-dev zlib1g-dev libpng-dev libpixman-1-dev
  libopus-dev libtomlplusplus-dev libcli11-dev libbenchmark-dev libx11-dev libxfixes-dev libxext-dev libxrandr-dev
  # OpenAL Soft's headers (SFML plays through it): the window measures its output latency
  libopenal-dev
  # FreeType: the window draws its menu, banner and forms without OpenGL (ui/text_raster)
  libfreetype-dev
  # bench/key_press_latency: key presses through XTest, as xdotool sends them
  libxtst-dev
  # USB redirection (usbredir framing and filters; host devices through libusb)
  libusbredirparser-dev libusbredirhost-dev libusb-1.0-0-dev
  # video streams: FFmpeg's decoders (H.264, VP8, VP9, H.265) and colour conversion
  libavcodec-dev libavutil-dev libswscale-dev
  # ... and libyuv: 8-bit YUV to BGRA (libswscale has no fast 4:4:4 path)
  libyuv-dev
  # folder sharing over the webdav channel
  libphodav-3.0-dev
  # the USB test guest: the Debian kernel, busybox and the initramfs tools
  linux-image-amd64 busybox-static cpio xz-utils kmod
  # integration tests parse the client's JSON health snapshot
  nlohmann-json3-dev
  # real SPICE peers and tools the tests drive
  qemu-system-x86 openssl xvfb xauth imagemagick procps python3
  # spice-server's GStreamer stream encoders (videoconvert, vp8enc/vp9enc,
  # x264enc, avenc_mjpeg), and h264parse for remote-viewer in bench/
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly gstreamer1.0-libav
  gstreamer1.0-plugins-bad
  # the SFML window under Xvfb: Mesa's software OpenGL and the banner's font
  libgl1-mesa-dri libglx-mesa0 fonts-dejavu-core xdotool
  # bench/compare-remote-viewer measures remote-viewer next to vigil
  virt-viewer
  # the clipboard tests: another X client that reads and sets CLIPBOARD
  xclip
  # the real Linux test guest (tests/guest): Debian's kernel and its modules,
  # a static busybox, cpio for the initramfs, the DRM uapi headers for the
  # guest's cursor program and static glibc to link it
  linux-image-amd64 busybox-static cpio kmod libdrm-dev libc6-dev
  # deployments (tests/deployment): an HTTP CONNECT proxy, and SASL (the
  # client library, the server's mechanisms and saslpasswd2 for a test sasldb)
  tinyproxy-bin libsasl2-dev libsasl2-modules libsasl2-modules-db sasl2-bin
  # the package test (tests/package): cpack's dpkg-shlibdeps, and a desktop's
  # view of the installed files (xdg-open, xdg-mime with mimetype, the
  # databases dpkg's triggers build)
  dpkg-dev xdg-utils libfile-mimeinfo-perl desktop-file-utils shared-mime-info
  # the record tests' microphone: a private PulseAudio daemon with a sine
  # source (tests/audio/record_tests.cpp); pactl to see it is up
  pulseaudio pulseaudio-utils
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages (${missing[*]}); run this script as root" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "install-deps: all ${#packages[@]} packages present"
