# shellcheck shell=bash
# Debian 12's stock kernel for the emulated machines, fetched as a package and never installed:
# `apt-get download` of linux-image-6.1.0-N-amd64 and `dpkg-deb -x` into a cache directory, plus
# the load order of any of its modules (the .deb ships no modules.dep: dependencies come from
# each module's .modinfo section). Sourced by tests/Redoubt.KvmBaseline/run.sh (kvm_amd) and
# src/Redoubt.Dom0/build-dom0.sh (Dom0's virtio modules); both use the cache
# artifacts/kvm-baseline/{debs,kernel}/ so that the package is downloaded once. The matching
# headers (for Dom0's driver redoubt.ko) unpack into artifacts/kvm-baseline/headers/.
#
# The sourcing script defines log MESSAGE (progress, to stderr) and die MESSAGE (exits).
# Needs apt-get, apt-cache, dpkg-deb, objcopy (binutils), flock; xz/zstd only for compressed
# modules (Debian 12's are not).

DEBIAN_APT_UPDATED=0

# apt-get update, at most once per run; a failure is logged, and the lists there are are used.
# $1 = directory for apt-update.log.
debian_apt_update_once() {
    if [[ $DEBIAN_APT_UPDATED == 0 ]]; then
        log "apt-get update"
        apt-get update -qq >"$1/apt-update.log" 2>&1 || log "apt-get update failed (see $1/apt-update.log); trying with the lists there are"
        DEBIAN_APT_UPDATED=1
    fi
}

# The kernel package linux-image-amd64 currently depends on (empty when apt does not know).
debian_current_kernel_package() {
    apt-cache depends linux-image-amd64 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-6\.1\.0-[0-9]+-amd64$/ { print $2; exit }'
}

# The newest kernel package unpacked in the cache directory $1 (empty when none).
debian_newest_unpacked_kernel() {
    local d newest=""
    for d in "$1"/kernel/linux-image-6.1.0-*-amd64; do
        [[ -f $d/.unpacked ]] && newest+="${d##*/}"$'\n'
    done
    printf '%s' "$newest" | sort -V | tail -n 1
}

# Downloads (once) and unpacks (once) a Debian 12 kernel package into $1/kernel/<package>.
#   $1 = cache directory (holds debs/, kernel/, and the apt logs)
#   $2 = package name, or empty for the current one (falling back to the newest unpacked one
#        when apt names none, e.g. offline)
# Sets DEBIAN_KERNEL_PKG, DEBIAN_KVER (6.1.0-N-amd64), DEBIAN_KDIR (the unpacked tree),
# DEBIAN_VMLINUZ and DEBIAN_MODDIR. A lock on $1/.fetch.lock makes concurrent callers wait.
debian_kernel_fetch() {
    local out=$1 pkg=${2:-}
    mkdir -p "$out"
    if [[ -z $pkg ]]; then
        pkg=$(debian_current_kernel_package || true)
        if [[ -z $pkg ]]; then
            debian_apt_update_once "$out"
            pkg=$(debian_current_kernel_package || true)
        fi
    fi
    if [[ -z $pkg ]]; then
        # No package lists: fall back to a kernel unpacked by an earlier run, if any.
        pkg=$(debian_newest_unpacked_kernel "$out")
        [[ -n $pkg ]] || die "cannot find the current Debian kernel package (apt-cache depends linux-image-amd64 gives no linux-image-6.1.0-*-amd64), and no earlier download in $out/kernel"
        log "apt does not name the current kernel; using the earlier download $pkg"
    fi
    [[ $pkg =~ ^linux-image-(6\.1\.0-[0-9]+-amd64)$ ]] || die "not a Debian 12 amd64 kernel package: $pkg"
    DEBIAN_KERNEL_PKG=$pkg
    DEBIAN_KVER=${BASH_REMATCH[1]}
    DEBIAN_KDIR=$out/kernel/$pkg
    DEBIAN_VMLINUZ=$DEBIAN_KDIR/boot/vmlinuz-$DEBIAN_KVER
    DEBIAN_MODDIR=$DEBIAN_KDIR/lib/modules/$DEBIAN_KVER

    local debdir=$out/debs
    mkdir -p "$debdir"
    if [[ ! -f $DEBIAN_KDIR/.unpacked ]]; then
        local lock
        exec {lock}>"$out/.fetch.lock"
        flock "$lock"
        if [[ ! -f $DEBIAN_KDIR/.unpacked ]]; then
            debian_kernel_download_and_unpack "$out" "$debdir"
        fi
        exec {lock}>&-
    fi
    [[ -f $DEBIAN_VMLINUZ ]] || die "$DEBIAN_VMLINUZ missing from the unpacked package"
    [[ -d $DEBIAN_MODDIR ]] || die "$DEBIAN_MODDIR missing from the unpacked package"
}

debian_kernel_download_and_unpack() {
    local out=$1 debdir=$2 pkg=$DEBIAN_KERNEL_PKG deb tmp
    deb=$(ls -1 "$debdir/${pkg}"_*_amd64.deb 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -n $deb ]] && ! dpkg-deb --info "$deb" >/dev/null 2>&1; then
        log "discarding a damaged download: $deb"
        rm -f "$deb"
        deb=""
    fi
    if [[ -z $deb ]]; then
        log "downloading $pkg (about 70 MB)"
        tmp=$(mktemp -d "$debdir/download.XXXXXX")
        chmod 0777 "$tmp" # lets apt's _apt user write there (no "unsandboxed" warning)
        if ! (cd "$tmp" && apt-get download "$pkg") >"$out/apt-download.log" 2>&1; then
            debian_apt_update_once "$out"
            (cd "$tmp" && apt-get download "$pkg") >"$out/apt-download.log" 2>&1 || {
                rm -rf "$tmp"
                die "apt-get download $pkg failed: $(grep -E '^(E|Err):' "$out/apt-download.log" | tail -n 1) (full log: $out/apt-download.log)"
            }
        fi
        deb=$(ls -1 "$tmp"/*.deb 2>/dev/null | head -n 1 || true)
        [[ -n $deb ]] && dpkg-deb --info "$deb" >/dev/null 2>&1 || {
            rm -rf "$tmp"
            die "apt-get download $pkg produced no valid .deb"
        }
        mv "$deb" "$debdir/"
        deb=$debdir/$(basename "$deb")
        rm -rf "$tmp"
    fi
    log "unpacking $(basename "$deb")"
    rm -rf "$DEBIAN_KDIR"
    mkdir -p "$DEBIAN_KDIR"
    dpkg-deb -x "$deb" "$DEBIAN_KDIR" || die "dpkg -x $deb failed"
    touch "$DEBIAN_KDIR/.unpacked"
}

# ---- modules ----------------------------------------------------------------------------------

declare -gA DEBIAN_MODPATH=() DEBIAN_MODSEEN=()
DEBIAN_MODULE_ORDER=()

# Indexes the modules under $1 (DEBIAN_MODDIR) by name, '-' spelled '_'.
debian_modules_index() {
    local f n
    DEBIAN_MODPATH=()
    while IFS= read -r f; do
        n=${f##*/}
        n=${n%%.ko*}
        DEBIAN_MODPATH[${n//-/_}]=$f
    done < <(find "$1/kernel" -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst')
}

# Writes the module $1, decompressed, to $2.
debian_module_plain() {
    case $1 in
    *.ko.xz) xz -dc "$1" >"$2" ;;
    *.ko.zst) zstd -qdc "$1" >"$2" ;;
    *) cp "$1" "$2" ;;
    esac
}

# The depends= entry of the module's .modinfo section (what depmod would put in modules.dep).
debian_module_depends() {
    local tmp
    tmp=$(mktemp)
    debian_module_plain "$1" "$tmp.ko"
    objcopy -O binary --only-section=.modinfo "$tmp.ko" "$tmp" || {
        rm -f "$tmp" "$tmp.ko"
        die "cannot read .modinfo of $1"
    }
    tr '\0' '\n' <"$tmp" | sed -n 's/^depends=//p'
    rm -f "$tmp" "$tmp.ko"
}

# Appends the module $1 to DEBIAN_MODULE_ORDER after its dependencies (each module once).
debian_module_add() {
    local n=${1//-/_} f deps d
    [[ -n ${DEBIAN_MODSEEN[$n]:-} ]] && return 0
    DEBIAN_MODSEEN[$n]=1
    f=${DEBIAN_MODPATH[$n]:-}
    [[ -n $f ]] || die "module $n is not in $DEBIAN_KERNEL_PKG"
    deps=$(debian_module_depends "$f")
    for d in ${deps//,/ }; do debian_module_add "$d"; done
    DEBIAN_MODULE_ORDER+=("$n")
}

# ---- headers, for out-of-tree modules --------------------------------------------------------

# Downloads (once) and unpacks (once) the headers matching the kernel debian_kernel_fetch chose:
# linux-headers-<KVER>, linux-headers-<6.1.0-N>-common and linux-kbuild-6.1 of the image's own
# version, into $1/headers/<KVER>. Never installed. Debian's amd64 headers Makefile includes
# the common tree by absolute path (/usr/src/...): the unpacked copy is pointed at its own
# common tree. Sets DEBIAN_HEADERS (the tree to give `make -C`) and DEBIAN_HEADERS_VERSION.
debian_headers_fetch() {
    local out=$1 kver=$DEBIAN_KVER deb version root
    deb=$(ls -1 "$out/debs/${DEBIAN_KERNEL_PKG}"_*_amd64.deb 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n $deb ]] || die "no downloaded $DEBIAN_KERNEL_PKG package in $out/debs to take the version from"
    version=$(dpkg-deb -f "$deb" Version) || die "cannot read the version of $deb"
    root=$out/headers/$kver
    DEBIAN_HEADERS=$root/usr/src/linux-headers-$kver
    DEBIAN_HEADERS_VERSION=$version
    if [[ ! -f $root/.unpacked || $(cat "$root/.unpacked") != "$version" ]]; then
        debian_headers_download_and_unpack "$out" "$root" "$version"
    fi
    # Also after the repository moved: the include follows the unpacked tree.
    sed -i "s|^include .*/usr/src/linux-headers-|include $root/usr/src/linux-headers-|" "$DEBIAN_HEADERS/Makefile"
}

debian_headers_download_and_unpack() {
    local out=$1 root=$2 version=$3 kver=$DEBIAN_KVER lock
    exec {lock}>"$out/.fetch.lock"
    flock "$lock"
    if [[ ! -f $root/.unpacked || $(cat "$root/.unpacked") != "$version" ]]; then
        local pkgs=("linux-headers-$kver" "linux-headers-${kver%-amd64}-common" "linux-kbuild-6.1=$version") tmp d
        log "downloading ${pkgs[*]} (about 14 MB)"
        tmp=$(mktemp -d "$out/debs/headers.XXXXXX")
        chmod 0777 "$tmp"
        if ! (cd "$tmp" && apt-get download "${pkgs[@]}") >"$out/apt-headers.log" 2>&1; then
            debian_apt_update_once "$out"
            (cd "$tmp" && apt-get download "${pkgs[@]}") >"$out/apt-headers.log" 2>&1 || {
                rm -rf "$tmp"
                die "apt-get download ${pkgs[*]} failed: $(grep -E '^(E|Err):' "$out/apt-headers.log" | tail -n 1) (full log: $out/apt-headers.log)"
            }
        fi
        rm -rf "$root"
        mkdir -p "$root"
        for d in "$tmp"/*.deb; do
            dpkg-deb -x "$d" "$root" || die "dpkg -x $d failed"
        done
        rm -rf "$tmp"
        [[ -f $DEBIAN_HEADERS/Makefile ]] || die "$DEBIAN_HEADERS/Makefile missing from the headers package"
        echo "$version" >"$root/.unpacked"
    fi
    exec {lock}>&-
}
