#!/usr/bin/env bash
# The KVM baseline of `redoubt bench exits` (issue 4, item 6), in one command:
#   1. fetch Debian 12's current kernel (.deb via apt-get download, unpacked with dpkg -x into
#      artifacts/kvm-baseline/ -- never installed; tools/debian-kernel.sh, shared with Dom0's
#      build) and busybox-static (installed if missing);
#   2. publish the /dev/kvm client (NativeAOT, one static binary);
#   3. build an initramfs: busybox, kvm_amd and its dependencies from that .deb, the client,
#      and an /init that loads the modules, runs the client and powers off;
#   4. boot it under QEMU TCG with SVM + NPT twice: wall clock, and -icount shift=0;
#   5. print the client's JSON lines (one per guest loop and configuration) and a summary line.
# Idempotent: downloads and unpacked kernels are reused. Stdout is JSON lines only; progress and
# errors go to stderr. Console logs are kept in artifacts/kvm-baseline/console-*.log.
#
# Environment (all optional):
#   KVMB_ITERATIONS   iterations per guest loop (default 20000)
#   KVMB_WARMUP       unreported warm-up iterations before each loop (default 1000)
#   KVMB_CONFIGS      which runs, any of "wall icount" (default both)
#   KVMB_TIMEOUT      seconds allowed for one QEMU boot+run (default 900)
#   KVMB_KERNEL_PKG   a linux-image-6.1.0-*-amd64 package to use instead of the current one
#   KVMB_ICOUNT       the -icount argument (default shift=0)
#   KVMB_OUT          work directory (default <repo>/artifacts/kvm-baseline)
#   KVMB_CLIENT_ARGS  extra arguments for the client in the guest (e.g. "--kinds pio,cpuid",
#                     "--no-cpuid-table", "--run-call plain"); see the client's --help
set -euo pipefail

START_NS=$(date +%s%N)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${KVMB_OUT:-$ROOT/artifacts/kvm-baseline}
ITERATIONS=${KVMB_ITERATIONS:-20000}
WARMUP=${KVMB_WARMUP:-1000}
CONFIGS=${KVMB_CONFIGS:-wall icount}
TIMEOUT=${KVMB_TIMEOUT:-900}
ICOUNT=${KVMB_ICOUNT:-shift=0}
QEMU_CPU="EPYC,+svm,+npt"

log() { echo "kvm-baseline: [$(( ($(date +%s%N) - START_NS) / 1000000 )) ms] $*" >&2; }
die() { echo "kvm-baseline: ERROR: $*" >&2; exit 1; }
# shellcheck source=../../tools/debian-kernel.sh
source "$ROOT/tools/debian-kernel.sh"

[[ $ITERATIONS =~ ^[0-9]+$ && $ITERATIONS -ge 1 ]] || die "KVMB_ITERATIONS must be a positive integer"
[[ $WARMUP =~ ^[0-9]+$ ]] || die "KVMB_WARMUP must be a non-negative integer"
for c in $CONFIGS; do [[ $c == wall || $c == icount ]] || die "KVMB_CONFIGS: unknown configuration '$c'"; done

mkdir -p "$OUT"
exec 9>"$OUT/.lock"
flock -n 9 || die "another run.sh is using $OUT"

# ---- tools ------------------------------------------------------------------------------------
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found; $2"; }
need qemu-system-x86_64 "install it: apt-get install -y qemu-system-x86"
need dotnet "the .NET SDK is needed to publish the client"
need gcc "NativeAOT links with gcc: apt-get install -y gcc"
need objcopy "binutils is needed to read module dependencies: apt-get install -y binutils"
need dpkg-deb "dpkg is needed to unpack the kernel .deb"
need apt-get "apt is needed to fetch the kernel"
need gzip "apt-get install -y gzip"
need timeout "coreutils' timeout is needed"

if ! dpkg -s busybox-static >/dev/null 2>&1; then
    log "installing busybox-static"
    if ! apt-get install -y -qq busybox-static >"$OUT/apt-busybox.log" 2>&1; then
        debian_apt_update_once "$OUT"
        apt-get install -y -qq busybox-static >"$OUT/apt-busybox.log" 2>&1 \
            || die "apt-get install busybox-static failed; see $OUT/apt-busybox.log"
    fi
fi
BUSYBOX=/bin/busybox
[[ -x $BUSYBOX ]] || die "busybox-static is installed but $BUSYBOX is missing"
"$BUSYBOX" cpio --help 2>&1 | grep -q -- '-o' || die "$BUSYBOX cannot create cpio archives"

# ---- kernel -----------------------------------------------------------------------------------
# Downloaded and unpacked once into $OUT/debs and $OUT/kernel (tools/debian-kernel.sh).
debian_kernel_fetch "$OUT" "${KVMB_KERNEL_PKG:-}"
PKG=$DEBIAN_KERNEL_PKG
KVER=$DEBIAN_KVER
VMLINUZ=$DEBIAN_VMLINUZ
MODDIR=$DEBIAN_MODDIR

# ---- client -----------------------------------------------------------------------------------
CLIENT_DIR=$OUT/client
log "publishing the /dev/kvm client (NativeAOT)"
if ! dotnet publish "$HERE/Client/Redoubt.KvmBaseline.csproj" -c Release -o "$CLIENT_DIR" -nologo >"$OUT/publish.log" 2>&1; then
    grep -v -E "requires at runtime the shared libraries|in function \`" "$OUT/publish.log" | tail -n 30 >&2
    die "dotnet publish failed; see $OUT/publish.log"
fi
CLIENT=$CLIENT_DIR/Redoubt.KvmBaseline
[[ -x $CLIENT ]] || die "the published client $CLIENT is missing"

# ---- modules: kvm_amd and its dependencies, in load order --------------------------------------
debian_modules_index "$MODDIR"
debian_module_add kvm_amd
LOAD_ORDER=("${DEBIAN_MODULE_ORDER[@]}")
log "modules to load: ${LOAD_ORDER[*]}"

# ---- initramfs --------------------------------------------------------------------------------
STAGE=$OUT/initramfs-root
INITRD=$OUT/initramfs.cpio.gz
rm -rf "$STAGE"
mkdir -p "$STAGE"/{bin,dev,proc,sys,tmp,lib/modules}
cp "$BUSYBOX" "$STAGE/bin/busybox"
cp "$CLIENT" "$STAGE/bin/kvm-baseline"
for n in "${LOAD_ORDER[@]}"; do debian_module_plain "${DEBIAN_MODPATH[$n]}" "$STAGE/lib/modules/$n.ko"; done

cat >"$STAGE/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "KVMB: /init at \$(cut -d' ' -f1 /proc/uptime) s uptime; config \${kvmb_config:-unknown}"
for m in ${LOAD_ORDER[*]}; do
    insmod /lib/modules/\$m.ko || echo "KVMB-ERROR: insmod \$m failed"
done
dmesg | grep -i -E 'kvm|svm|nested' | sed 's/^/KVMB-DMESG: /'
if [ -c /dev/kvm ]; then
    /bin/kvm-baseline --iterations $ITERATIONS --warmup $WARMUP --config "\${kvmb_config:-unknown}" ${KVMB_CLIENT_ARGS:-}
    echo "KVMB: client exit status \$?"
else
    echo '{"kind":"error","config":"'"\${kvmb_config:-unknown}"'","error":"/dev/kvm missing after loading the modules"}'
fi
echo "KVMB: done at \$(cut -d' ' -f1 /proc/uptime) s uptime"
poweroff -f
INIT
chmod 0755 "$STAGE/init"
(cd "$STAGE" && find . | LC_ALL=C sort | "$BUSYBOX" cpio -o -H newc -R 0:0 2>/dev/null) | gzip -9 >"$INITRD"
log "initramfs: $INITRD ($(du -k "$INITRD" | cut -f1) KiB)"

# ---- QEMU runs --------------------------------------------------------------------------------
QEMU_BASE=(qemu-system-x86_64 -accel tcg -cpu "$QEMU_CPU" -m 512M -smp 1 -nographic -no-reboot
    -kernel "$VMLINUZ" -initrd "$INITRD")

run_config() {
    local config=$1 extra=() logf=$OUT/console-$1.log jsonl=$OUT/$1.jsonl t0 t1 rc=0
    [[ $config == icount ]] && extra=(-icount "$ICOUNT")
    LOADAVG[$config]=$(cut -d' ' -f1-3 /proc/loadavg)
    log "booting: $config ${extra[*]} (timeout ${TIMEOUT}s; host load average ${LOADAVG[$config]} on $(nproc) cores)"
    t0=$(date +%s%N)
    timeout -k 10 "$TIMEOUT" "${QEMU_BASE[@]}" "${extra[@]}" \
        -append "console=ttyS0 quiet panic=-1 kvmb_config=$config" </dev/null >"$logf" 2>&1 || rc=$?
    t1=$(date +%s%N)
    log "$config: QEMU finished in $(( (t1 - t0) / 1000000 )) ms, status $rc"
    tr -d '\r' <"$logf" | grep -E '^\{"kind"' >"$jsonl" || true
    grep -a -E '^KVMB(-ERROR|-DMESG)?:' "$logf" | tr -d '\r' | sed 's/^/  /' >&2 || true
    cat "$jsonl"
    if [[ $rc == 124 || $rc == 137 ]]; then
        tail -n 20 "$logf" >&2
        die "$config: QEMU timed out after ${TIMEOUT}s (console: $logf)"
    fi
    [[ $rc == 0 ]] || log "$config: QEMU exited with status $rc (console: $logf)"
    [[ -s $jsonl ]] || { tail -n 30 "$logf" >&2; die "$config: no results on the console (see $logf)"; }
    if grep -q '"error"' "$jsonl"; then
        die "$config: the client reported errors (see above and $logf)"
    fi
}

declare -A LOADAVG=()
for config in $CONFIGS; do run_config "$config"; done

if [[ $CONFIGS == *wall* && $CONFIGS == *icount* ]]; then
    END_NS=$(date +%s%N)
    seconds=$(awk -v d=$(( (END_NS - START_NS) / 1000000 )) 'BEGIN { printf "%.1f", d / 1000 }')
    log "run.sh wall time: ${seconds} s"
    "$CLIENT" summarize --wall "$OUT/wall.jsonl" --icount "$OUT/icount.jsonl" --iterations "$ITERATIONS" \
        --kernel "$KVER" --qemu "-accel tcg -cpu $QEMU_CPU -m 512M -smp 1 (icount: -icount $ICOUNT)" \
        --run-seconds "$seconds" --host-load "loadavg before wall run: ${LOADAVG[wall]}; before icount run: ${LOADAVG[icount]}; $(nproc) cores"
fi
