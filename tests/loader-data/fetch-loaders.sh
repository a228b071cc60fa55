#!/usr/bin/env bash
# Unpack foreign glibc loaders and qemu-user into $STORMGLASS_LOADERS (default
# /var/tmp/stormglass-loaders) for the optional oracle tests of tests/loader-data: Debian 12's
# aarch64, ppc64el and s390x ld.so (libc6-*-cross) run under qemu-user-static, and the i386
# loader (libc6-i386). Nothing is installed: the .debs are downloaded with `apt-get download` and
# unpacked with `dpkg-deb -x`. About 70 MB. Tests that need these files skip when they are absent.
set -euo pipefail
DIR="${STORMGLASS_LOADERS:-/var/tmp/stormglass-loaders}"
mkdir -p "$DIR/x"
cd "$DIR"
PKGS=(qemu-user-static libc6-arm64-cross libc6-ppc64el-cross libc6-s390x-cross libc6-i386)
for p in "${PKGS[@]}"; do
  if [ ! -d "x/$p" ]; then
    ls ${p}_*.deb >/dev/null 2>&1 || apt-get download "$p"
    deb=$(ls ${p}_*.deb | head -n1)
    mkdir -p "x/$p"
    dpkg-deb -x "$deb" "x/$p"
  fi
done
echo "loaders unpacked in $DIR/x"
