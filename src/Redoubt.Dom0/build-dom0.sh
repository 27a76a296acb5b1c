#!/usr/bin/env bash
# Dom0's boot files, from Debian 12's stock kernel package, busybox-static, redoubtctl and
# Redoubt's Dom0 driver:
#   artifacts/image/dom0/vmlinuz      Debian's bzImage, unchanged
#   artifacts/image/dom0/initrd.cpio  Dom0's initramfs (uncompressed newc): busybox, redoubtctl,
#                                     the virtio-blk modules, redoubt.ko (Driver/, built against
#                                     Debian's headers for that kernel), the test probe
#                                     (Probe/), /init (init.sh beside this file)
#   artifacts/image/dom0/cmdline      Dom0's default kernel command line (one line, no newline)
#   artifacts/image/dom0.cpio         the boot archive Redoubt reads (newc): the files of
#                                     guests.cpio plus dom0/vmlinuz, dom0/initrd, dom0/cmdline
# Both archives are deterministic: names sorted, owner 0:0, mtime 0, fixed modes, no device
# numbers, inodes renumbered.
#
# Usage: build-dom0.sh [fetch | build]
#   fetch   download and unpack the kernel package and its headers only (./redoubt setup);
#           quick when done.
#   build   (default) fetch (the newest package already unpacked, if any), publish redoubtctl,
#           build redoubt.ko and the probe when their sources changed, then build the files
#           above when any input changed.
#           Needs artifacts/image/guests.cpio (./redoubt build).
# Environment: DOM0_KERNEL_PKG, a linux-image-6.1.0-*-amd64 package instead of the current one.
#
# The kernel package is cached in artifacts/kvm-baseline/{debs,kernel}/, shared with the KVM
# baseline (tools/debian-kernel.sh), its headers in artifacts/kvm-baseline/headers/; work files
# and logs go to artifacts/dom0/.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=$ROOT/artifacts/kvm-baseline
WORK=$ROOT/artifacts/dom0
IMAGE_DIR=$ROOT/artifacts/image
OUT_DIR=$IMAGE_DIR/dom0
GUESTS=$IMAGE_DIR/guests.cpio
BUSYBOX=/bin/busybox

# Dom0's disk is virtio-blk on q35's PCI bus. In Debian's config VIRTIO, VIRTIO_RING,
# VIRTIO_PCI and VIRTIO_BLK are modules (=m); BLK_MQ_VIRTIO is built in. virtio_pci pulls in
# virtio, virtio_ring and the modern and legacy PCI transports. msr (/dev/cpu/N/msr) is for the
# msr self-test (init.sh).
DOM0_MODULES=(virtio_pci virtio_blk msr)

# 115200 baud: Redoubt's own console runs at that speed on the same UART. panic=-1: reboot at
# once on a panic. No `quiet`: tests read the boot messages.
DOM0_CMDLINE="console=ttyS0,115200 panic=-1"

START_NS=$(date +%s%N)
log() { echo "build-dom0: [$((($(date +%s%N) - START_NS) / 1000000)) ms] $*" >&2; }
die() {
    echo "build-dom0: ERROR: $*" >&2
    exit 1
}
# shellcheck source=../../tools/debian-kernel.sh
source "$ROOT/tools/debian-kernel.sh"

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found; $2"; }

# The kernel package: DOM0_KERNEL_PKG, else the current one (asking apt, about a second).
# With $1 = reuse, the newest one already unpacked is taken without asking apt: `build` runs
# after `fetch` (./redoubt build runs setup first).
fetch_kernel() {
    need apt-get "apt is needed to fetch Debian's kernel package"
    need dpkg-deb "dpkg is needed to unpack the kernel package"
    need objcopy "binutils is needed to read module dependencies: apt-get install -y binutils"
    local pkg=${DOM0_KERNEL_PKG:-}
    if [[ -z $pkg && ${1:-} == reuse ]]; then
        pkg=$(debian_newest_unpacked_kernel "$CACHE")
    fi
    debian_kernel_fetch "$CACHE" "$pkg"
    debian_headers_fetch "$CACHE"
}

# True when the executable $1 is statically linked (no program interpreter).
is_static() { ! readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'; }

# sha256 over the named files' paths and contents.
hash_files() {
    sha256sum -- "$@" | sed "s|  $ROOT/|  |" | sha256sum | cut -d' ' -f1
}

# redoubtctl, published with NativeAOT (tens of seconds) only when its inputs changed.
REDOUBTCTL=$WORK/redoubtctl/redoubtctl
publish_redoubtctl() {
    local inputs hash stamp=$WORK/redoubtctl.inputs
    mapfile -t inputs < <(find "$ROOT/src/Redoubt.Dom0" "$ROOT/src/Redoubt.Abi" -type f \( -name '*.cs' -o -name '*.csproj' \) | LC_ALL=C sort)
    inputs+=("$ROOT/Directory.Build.props")
    hash=$(hash_files "${inputs[@]}")
    if [[ -x $REDOUBTCTL && -f $stamp && $(cat "$stamp") == "$hash" ]]; then
        return
    fi
    need dotnet "the .NET SDK publishes redoubtctl"
    need gcc "NativeAOT links redoubtctl with gcc: apt-get install -y gcc"
    log "publishing redoubtctl (NativeAOT, static; $WORK/publish.log)"
    rm -f "$stamp"
    if ! dotnet publish "$HERE/Redoubt.Dom0.csproj" -c Release -o "$WORK/redoubtctl" -nologo >"$WORK/publish.log" 2>&1; then
        grep -v -E "requires at runtime the shared libraries|in function \`" "$WORK/publish.log" | tail -n 30 >&2
        die "dotnet publish of redoubtctl failed; see $WORK/publish.log"
    fi
    [[ -x $REDOUBTCTL ]] || die "the published $REDOUBTCTL is missing"
    is_static "$REDOUBTCTL" || die "$REDOUBTCTL is not statically linked"
    echo "$hash" >"$stamp"
}

# redoubt.ko, built with kbuild against Debian's headers for the exact Dom0 kernel (gcc 12, as
# the kernel), only when its inputs changed. Debug info is stripped (as Debian strips its own
# modules): the module is then the same bytes on every build.
DRIVER=$WORK/driver/redoubt.ko
build_driver() {
    local hash stamp=$WORK/driver.inputs build=$WORK/driver-build
    hash=$(
        printf '%s\n' "$DEBIAN_KVER" "$DEBIAN_HEADERS_VERSION" "$(gcc-12 --version | head -n 1)"
        hash_files "$HERE/Driver/redoubt.c" "$HERE/Driver/redoubt_ioctl.h" "$HERE/Driver/Kbuild"
    )
    if [[ -f $DRIVER && -f $stamp && $(cat "$stamp") == "$hash" ]]; then
        return
    fi
    need gcc-12 "the Dom0 driver is built with the kernel's compiler: apt-get install -y gcc-12"
    need make "kbuild needs make: apt-get install -y make"
    log "building redoubt.ko against $DEBIAN_HEADERS ($WORK/driver.log)"
    rm -rf "$build" "$stamp"
    mkdir -p "$build" "$(dirname "$DRIVER")"
    cp "$HERE/Driver/redoubt.c" "$HERE/Driver/redoubt_ioctl.h" "$HERE/Driver/Kbuild" "$build/"
    if ! make -C "$DEBIAN_HEADERS" M="$build" KBUILD_BUILD_TIMESTAMP=0 modules >"$WORK/driver.log" 2>&1; then
        tail -n 30 "$WORK/driver.log" >&2
        die "building redoubt.ko failed; see $WORK/driver.log"
    fi
    grep -E 'warning:' "$WORK/driver.log" >&2 && die "redoubt.ko builds with warnings; see $WORK/driver.log"
    strip --strip-debug -o "$DRIVER" "$build/redoubt.ko"
    echo "$hash" >"$stamp"
}

# The boundary self-tests' probe (test tooling, not redoubtctl): a static C program.
PROBE=$WORK/probe/redoubt-probe
build_probe() {
    local hash stamp=$WORK/probe.inputs
    hash=$(
        gcc --version | head -n 1
        hash_files "$HERE/Probe/redoubt-probe.c" "$HERE/Driver/redoubt_ioctl.h"
    )
    if [[ -x $PROBE && -f $stamp && $(cat "$stamp") == "$hash" ]]; then
        return
    fi
    log "building redoubt-probe"
    rm -f "$stamp"
    mkdir -p "$(dirname "$PROBE")"
    gcc -static -Os -Wall -Wextra -Werror -o "$PROBE" "$HERE/Probe/redoubt-probe.c" || die "building redoubt-probe failed"
    echo "$hash" >"$stamp"
}

# Packs the tree $1 (the names listed on stdin, relative to it) as a deterministic newc archive
# into the file $2.
pack_newc() {
    (cd "$1" && LC_ALL=C sort | "$BUSYBOX" cpio -o -H newc -R 0:0 --ignore-devno --renumber-inodes 2>/dev/null) >"$2.tmp"
    mv "$2.tmp" "$2"
}

build_initrd() {
    local stage=$WORK/initrd-root n
    rm -rf "$stage"
    mkdir -p "$stage"/{bin,dev,proc,sys,tmp,root,lib/modules}
    cp "$BUSYBOX" "$stage/bin/busybox"
    cp "$REDOUBTCTL" "$stage/bin/redoubtctl"
    cp "$PROBE" "$stage/bin/redoubt-probe"
    cp "$DRIVER" "$stage/lib/modules/redoubt.ko"
    cp "$HERE/init.sh" "$stage/init"
    for n in "${DEBIAN_MODULE_ORDER[@]}"; do
        debian_module_plain "${DEBIAN_MODPATH[$n]}" "$stage/lib/modules/$n.ko"
    done
    printf '%s\n' "${DEBIAN_MODULE_ORDER[@]}" >"$stage/lib/modules/load-order"
    find "$stage" -type d -exec chmod 0755 {} +
    find "$stage" -type f -exec chmod 0644 {} +
    chmod 0755 "$stage/init" "$stage/bin/busybox" "$stage/bin/redoubtctl" "$stage/bin/redoubt-probe"
    chmod 1777 "$stage/tmp"
    chmod 0700 "$stage/root"
    find "$stage" -exec touch -h -d @0 {} +
    (cd "$stage" && find . -mindepth 1 | sed 's|^\./||') | pack_newc "$stage" "$OUT_DIR/initrd.cpio"
}

build_archive() {
    local stage=$WORK/archive-root
    rm -rf "$stage"
    mkdir -p "$stage/dom0"
    (cd "$stage" && "$BUSYBOX" cpio -i -d <"$GUESTS" 2>/dev/null) || die "cannot unpack $GUESTS"
    cp "$OUT_DIR/vmlinuz" "$stage/dom0/vmlinuz"
    cp "$OUT_DIR/initrd.cpio" "$stage/dom0/initrd"
    cp "$OUT_DIR/cmdline" "$stage/dom0/cmdline"
    find "$stage" -type f -exec chmod 0644 {} +
    find "$stage" -exec touch -h -d @0 {} +
    # Files only, no directory entries (like guests.cpio): names as the kernel looks them up.
    (cd "$stage" && find . -type f | sed 's|^\./||') | pack_newc "$stage" "$IMAGE_DIR/dom0.cpio"
}

cmd_build() {
    need readelf "binutils is needed: apt-get install -y binutils"
    [[ -x $BUSYBOX ]] || die "$BUSYBOX missing: apt-get install -y busybox-static"
    is_static "$BUSYBOX" || die "$BUSYBOX is not statically linked: install busybox-static, not busybox"
    [[ -f $GUESTS ]] || die "$GUESTS missing: build the solution first (./redoubt build)"
    mkdir -p "$WORK" "$OUT_DIR"
    exec 9>"$WORK/.lock"
    flock 9
    fetch_kernel reuse
    publish_redoubtctl
    build_driver
    build_probe

    local stamp=$WORK/outputs.inputs hash
    hash=$(
        printf '%s\n' "$DEBIAN_KERNEL_PKG" "${DOM0_MODULES[*]}" "$DOM0_CMDLINE"
        hash_files "$HERE/build-dom0.sh" "$HERE/init.sh" "$ROOT/tools/debian-kernel.sh" "$BUSYBOX" "$REDOUBTCTL" "$DRIVER" "$PROBE" "$DEBIAN_VMLINUZ" "$GUESTS"
    )
    hash=$(sha256sum <<<"$hash" | cut -d' ' -f1)
    if [[ -f $stamp && $(cat "$stamp") == "$hash" && -f $OUT_DIR/vmlinuz && -f $OUT_DIR/initrd.cpio && -f $OUT_DIR/cmdline && -f $IMAGE_DIR/dom0.cpio ]]; then
        log "Dom0 files up to date ($DEBIAN_KERNEL_PKG)"
        return
    fi
    rm -f "$stamp"

    debian_modules_index "$DEBIAN_MODDIR"
    local m
    for m in "${DOM0_MODULES[@]}"; do debian_module_add "$m"; done
    log "kernel $DEBIAN_KERNEL_PKG; modules: ${DEBIAN_MODULE_ORDER[*]}"

    cp "$DEBIAN_VMLINUZ" "$OUT_DIR/vmlinuz"
    printf '%s' "$DOM0_CMDLINE" >"$OUT_DIR/cmdline"
    build_initrd
    build_archive
    echo "$hash" >"$stamp"
    log "$OUT_DIR/initrd.cpio $(du -k "$OUT_DIR/initrd.cpio" | cut -f1) KiB, $IMAGE_DIR/dom0.cpio $(du -k "$IMAGE_DIR/dom0.cpio" | cut -f1) KiB (redoubtctl $(du -k "$REDOUBTCTL" | cut -f1) KiB)"
}

case ${1:-build} in
fetch)
    (($# <= 1)) || die "'fetch' takes no arguments"
    mkdir -p "$CACHE"
    fetch_kernel
    log "kernel package $DEBIAN_KERNEL_PKG ready in $DEBIAN_KDIR, headers in $DEBIAN_HEADERS"
    ;;
build)
    (($# <= 1)) || die "'build' takes no arguments"
    cmd_build
    ;;
-h | --help | help)
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
    ;;
*) die "unknown command '$1' (known: fetch, build)" ;;
esac
