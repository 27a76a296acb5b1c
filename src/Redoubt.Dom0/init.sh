#!/bin/busybox sh
# Dom0's /init (busybox sh), packed into artifacts/image/dom0/initrd.cpio by build-dom0.sh.
# Mounts the kernel's file systems, loads the modules listed in /lib/modules/load-order and
# Redoubt's driver (redoubt.ko: /dev/redoubt), prints "redoubt-dom0: ready", then follows the
# kernel command line:
#   redoubt.test=NAME   run self-test NAME, print "DOM0-TEST NAME key=value" lines and
#                       "DOM0-TEST NAME done", power off (docs/redoubtctl.md lists the tests);
#   redoubt.demo        run `redoubtctl info`, power off;
#   neither             a shell on the console, started again whenever it exits.
# PID 1 must never exit (the kernel would panic): every path ends in poweroff -f or reboot -f.

/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts

for module in $(cat /lib/modules/load-order); do
    insmod "/lib/modules/$module.ko" || echo "redoubt-dom0: insmod $module failed"
done
# Refuses to load outside Redoubt (dmesg: "redoubt: not running under Redoubt").
insmod /lib/modules/redoubt.ko 2>/dev/null || echo "redoubt-dom0: no /dev/redoubt: redoubt.ko did not load"
echo "redoubt-dom0: ready"

# One result line; values never contain spaces.
result() { echo "DOM0-TEST $TEST $1=$2"; }

finish() {
    echo "DOM0-TEST $TEST done"
    poweroff -f
}

# The value of the kernel command line option $1 (NAME=VALUE), empty when absent.
option() {
    local word
    for word in $(cat /proc/cmdline); do
        case $word in
        "$1="*) echo "${word#*=}" ;;
        esac
    done
}

has_flag() {
    local word
    for word in $(cat /proc/cmdline); do
        [ "$word" = "$1" ] && return 0
    done
    return 1
}

# --- redoubt.test=info: redoubtctl's own answer ------------------------------------------------
test_info() {
    redoubtctl info
    result exit_status "$?"
}

# --- redoubt.test=hidden: what Dom0 can tell about the machine's SVM, IOMMU and TPM ------------
# Each kind: 0 or 1, and the evidence found (comma-separated, "none" when nothing).
test_hidden() {
    local svm=0 svm_evidence="" iommu=0 iommu_evidence="" tpm=0 tpm_evidence="" table entry
    if grep -qw svm /proc/cpuinfo; then
        svm=1
        svm_evidence="cpuinfo:svm"
    fi
    for table in DMAR IVRS; do
        if [ -e "/sys/firmware/acpi/tables/$table" ]; then
            iommu=1
            iommu_evidence="$iommu_evidence,acpi:$table"
        fi
    done
    for entry in /sys/class/iommu/*; do
        [ -e "$entry" ] || continue
        iommu=1
        iommu_evidence="$iommu_evidence,class-iommu:${entry##*/}"
    done
    if [ -n "$(ls /sys/kernel/iommu_groups 2>/dev/null)" ]; then
        iommu=1
        iommu_evidence="$iommu_evidence,iommu-groups:$(ls /sys/kernel/iommu_groups | wc -l)"
    fi
    # Lines of the Intel (DMAR) and AMD (AMD-Vi, IVRS) IOMMU drivers and ACPI's table list,
    # except the one every AMD CPU without an IOMMU prints ("AMD IOMMUv2 functionality not
    # available on this system").
    local lines
    lines=$(dmesg | grep -E 'DMAR|AMD-Vi|IVRS' | grep -c -v 'not available on this system')
    if [ "$lines" -gt 0 ]; then
        iommu=1
        iommu_evidence="$iommu_evidence,dmesg:$lines-lines"
    fi
    for table in TPM2 TCPA; do
        if [ -e "/sys/firmware/acpi/tables/$table" ]; then
            tpm=1
            tpm_evidence="$tpm_evidence,acpi:$table"
        fi
    done
    for entry in /sys/class/tpm/*; do
        [ -e "$entry" ] || continue
        tpm=1
        tpm_evidence="$tpm_evidence,class-tpm:${entry##*/}"
    done
    result svm "$svm"
    result iommu "$iommu"
    result tpm "$tpm"
    result svm_evidence "${svm_evidence:-none}"
    iommu_evidence=${iommu_evidence#,}
    tpm_evidence=${tpm_evidence#,}
    result iommu_evidence "${iommu_evidence:-none}"
    result tpm_evidence "${tpm_evidence:-none}"
    dmesg | grep -E 'DMAR|AMD-Vi|IVRS|TPM|tpm' | sed 's/^/DOM0-TEST-DMESG: /'
}

# Reads physical memory [$1, $2) through /dev/mem and counts $MARKER in it. A page that cannot
# be read (Redoubt answers #GP, Linux refuses RAM) ends a dd run: it is counted and skipped, and
# the next run starts at the following page. Sets RANGE_READ (bytes), RANGE_REFUSED (pages) and
# RANGE_HITS.
read_range() {
    local pos=$1 stop=$2 got refused
    RANGE_READ=0 RANGE_REFUSED=0 RANGE_HITS=0
    while [ "$pos" -lt "$stop" ]; do
        refused=0
        dd if=/dev/mem of=/tmp/devmem.bin bs=4096 iflag=skip_bytes,count_bytes skip="$pos" count=$((stop - pos)) 2>/dev/null || refused=1
        got=$(wc -c </tmp/devmem.bin)
        RANGE_READ=$((RANGE_READ + got))
        if [ "$got" -gt 0 ]; then
            # NULs and newlines become line ends; grep -o then prints each marker on a line.
            # (Not -F: busybox's grep -o -F prints only the first match of a line.)
            RANGE_HITS=$((RANGE_HITS + $(tr '\000\n' '\n\n' </tmp/devmem.bin | grep -o "$MARKER" | wc -l)))
        fi
        if [ "$refused" -eq 1 ]; then
            RANGE_REFUSED=$((RANGE_REFUSED + 1))
            pos=$(((pos + got) / 4096 * 4096 + 4096))
        else
            pos=$stop
        fi
    done
    rm -f /tmp/devmem.bin
}

# --- redoubt.test=devmem: can Dom0 read the memory Redoubt keeps? -------------------------------
# In this test mode (redoubt.marker=1) Redoubt fills part of the memory it keeps with a 16-byte
# marker and names the range on Dom0's command line (redoubt.marker_range=START-END).
# 1. The control: the same probe (read_range) finds the marker where Dom0 may read it: Dom0
#    writes it into the first page of a display device's memory BAR and reads it back there.
# 2. The marker's own range, read whole through /dev/mem: the marker must not be found; then
#    zeros are written over its first page and it is read back (a zero read back means the
#    write landed; Redoubt checks the page itself and logs "marker page ... still whole").
# 3. Every other Reserved range below the end of the highest System RAM range, read up to the cap
#    per range (reads of Redoubt's memory may trap on every load), and the first page of each
#    range above 1 MiB overwritten with zeros and read back.
# The marker is put together at run time so that this file does not contain it.
test_devmem() {
    local half1='<<REDOUBT' half2='-KEPT>>'
    MARKER="$half1$half2"
    devmem_control
    devmem_marker_range
    local cap
    cap=$(option redoubt.devmem_cap)
    cap=${cap:-1048576}
    local ram_end=0 line range name start end
    while IFS= read -r line; do
        range=${line%% : *}
        name=${line#* : }
        [ "$name" = "System RAM" ] || continue
        range=${range##* }
        end=$((0x${range#*-} + 1))
        [ "$end" -gt "$ram_end" ] && ram_end=$end
    done </proc/iomem
    result ram_end "$(printf '0x%x' "$ram_end")"
    result cap_bytes "$cap"

    local ranges=0 bytes=0 hits=0 errors=0 covered=0 length writes=0 writes_landed=0
    while IFS= read -r line; do
        range=${line%% : *}
        name=${line#* : }
        [ "$name" = "Reserved" ] || continue
        range=${range##* }
        start=$((0x${range%-*}))
        end=$((0x${range#*-} + 1))
        [ "$start" -lt "$ram_end" ] || continue
        # A Reserved range inside one already read (nested entries) is skipped.
        [ "$end" -le "$covered" ] && continue
        [ "$start" -lt "$covered" ] && start=$covered
        [ "$end" -gt "$ram_end" ] && end=$ram_end
        covered=$end
        length=$((end - start))
        [ "$length" -gt "$cap" ] && length=$cap
        read_range "$start" $((start + length))
        ranges=$((ranges + 1))
        bytes=$((bytes + RANGE_READ))
        hits=$((hits + RANGE_HITS))
        errors=$((errors + RANGE_REFUSED))
        result range "$(printf '0x%x-0x%x' "$start" "$((end - 1))"),read=$RANGE_READ,refused_pages=$RANGE_REFUSED,hits=$RANGE_HITS"
        # Above 1 MiB and below the end of RAM, a Reserved range is memory Redoubt keeps: try to
        # overwrite its first page with zeros, then read it back.
        if [ "$start" -ge 1048576 ]; then
            writes=$((writes + 1))
            dd if=/dev/zero of=/dev/mem bs=4096 count=1 seek=$((start / 4096)) conv=notrunc 2>/dev/null || true
            dd if=/dev/mem of=/tmp/devmem.bin bs=4096 count=1 skip=$((start / 4096)) 2>/dev/null || true
            if [ "$(tr -d '\000' </tmp/devmem.bin | wc -c)" -lt 4096 ]; then
                writes_landed=$((writes_landed + 1))
            fi
            rm -f /tmp/devmem.bin
        fi
    done </proc/iomem
    result writes "$writes"
    result writes_landed "$writes_landed"
    result ranges "$ranges"
    result bytes "$bytes"
    result marker_hits "$hits"
    result read_errors "$errors"
}

# The control: the marker written where Dom0 may read it, and read there with read_range. /dev/mem
# reads only below the end of RAM, and Linux gives zeros for its own RAM there: so the first
# page of a Reserved range below 1 MiB (firmware areas Dom0 owns) that takes the write; the
# page's bytes are put back afterwards. Pages Redoubt keeps refuse the write and are passed over.
devmem_control() {
    local line range name start
    while IFS= read -r line; do
        range=${line%% : *}
        name=${line#* : }
        [ "$name" = "Reserved" ] || continue
        range=${range##* }
        start=$((0x${range%-*} / 4096 * 4096))
        [ "$start" -lt 1048576 ] || continue
        dd if=/dev/mem of=/tmp/control.orig bs=4096 count=1 skip=$((start / 4096)) 2>/dev/null || continue
        awk -v m="$MARKER" 'BEGIN { for (i = 0; i < 256; i++) printf "%s", m }' >/tmp/control.bin
        dd if=/tmp/control.bin of=/dev/mem bs=4096 count=1 seek=$((start / 4096)) conv=notrunc 2>/dev/null
        read_range "$start" $((start + 4096))
        dd if=/tmp/control.orig of=/dev/mem bs=4096 count=1 seek=$((start / 4096)) conv=notrunc 2>/dev/null
        rm -f /tmp/control.bin /tmp/control.orig
        [ "$RANGE_HITS" -gt 0 ] || continue
        result control "$(printf '0x%x' "$start"),read=$RANGE_READ,hits=$RANGE_HITS"
        result control_hits "$RANGE_HITS"
        return
    done </proc/iomem
    result control none
    result control_hits 0
}

# The range Redoubt named, read whole, then its first page overwritten with zeros and read back.
devmem_marker_range() {
    local range start end
    range=$(option redoubt.marker_range)
    if [ -z "$range" ]; then
        result marker_range none
        return
    fi
    start=$((${range%-*}))
    end=$((${range#*-}))
    read_range "$start" "$end"
    result marker_range "$(printf '0x%x-0x%x' "$start" "$((end - 1))"),read=$RANGE_READ,refused_pages=$RANGE_REFUSED"
    result marker_range_bytes "$((end - start))"
    result marker_range_read "$RANGE_READ"
    result marker_range_hits "$RANGE_HITS"
    dd if=/dev/zero of=/dev/mem bs=4096 count=1 seek=$((start / 4096)) conv=notrunc 2>/dev/null || true
    dd if=/dev/mem of=/tmp/devmem.bin bs=4096 count=1 skip=$((start / 4096)) 2>/dev/null || true
    local got landed=0
    got=$(wc -c </tmp/devmem.bin 2>/dev/null || echo 0)
    [ "$got" -eq 4096 ] && [ "$(tr -d '\000' </tmp/devmem.bin | wc -c)" -lt 4096 ] && landed=1
    result marker_write_readback "$got"
    result marker_write_landed "$landed"
    rm -f /tmp/devmem.bin
}

# --- redoubt.test=msr: MSRs (and the APIC ID) Redoubt allows and refuses, tried as root ---------
# Through /dev/cpu/0/msr (msr.ko): each read or write is one RDMSR or WRMSR on CPU 0, and a #GP
# comes back as an I/O error (Linux also warns once that a user wrote an MSR). Each probe: "ok"
# (with the value read), or "refused". The allowed probes are the controls of the refused ones.
msr_read() {
    local value
    value=$(dd if=/dev/cpu/0/msr bs=8 count=1 iflag=skip_bytes skip=$(($1)) 2>/dev/null | od -An -tx8 | tr -d ' \n')
    [ -n "$value" ] && echo "ok:0x$value" || echo refused
}
# $2 is a number; its 8 bytes go out little-endian.
msr_write() {
    local i bytes=""
    for i in 0 1 2 3 4 5 6 7; do
        bytes="$bytes\\$(printf %o $((($2 >> (8 * i)) & 255)))"
    done
    printf "$bytes" | dd of=/dev/cpu/0/msr bs=8 count=1 oflag=seek_bytes seek=$(($1)) conv=notrunc 2>/dev/null && echo ok || echo refused
}
test_msr() {
    local value
    result tsc_read "$(msr_read 0x10)"
    result tsc_write "$(msr_write 0x10 0)"
    value=$(msr_read 0x277)
    result pat_read "$value"
    result pat_write_same "$(msr_write 0x277 "${value#ok:}")"
    value=$(msr_read 0x2ff)
    result mtrr_def_type_read "$value"
    result mtrr_def_type_write_same "$(msr_write 0x2ff "${value#ok:}")"
    result mtrr_def_type_write_other "$(msr_write 0x2ff $((${value#ok:} ^ 1)))"
    value=$(msr_read 0xc0010015)
    result hwcr_read "$value"
    result hwcr_write_same "$(msr_write 0xc0010015 "${value#ok:}")"
    result patch_loader_write "$(msr_write 0xc0010020 0)"
    result mmio_conf_base_read "$(msr_read 0xc0010058)"
    result smm_addr_read "$(msr_read 0xc0010112)"
    result debugctl_write "$(msr_write 0x1d9 1)"
    result perf_ctl0_write "$(msr_write 0xc0010000 0)"
    result vm_hsave_pa_read "$(msr_read 0xc0010117)"
    # CPU 0's APIC ID register (Redoubt drops writes) beside its TPR (Dom0's: a write lands),
    # through /dev/mem (the command line needs iomem=relaxed: the APIC page is a busy resource).
    local id tpr
    id=$(taskset 1 devmem 0xfee00020 32 2>/dev/null)
    if [ -n "$id" ]; then
        taskset 1 devmem 0xfee00020 32 0x0f000000
        result apic_id "$id,$(taskset 1 devmem 0xfee00020 32)"
        tpr=$(taskset 1 devmem 0xfee00080 32)
        taskset 1 devmem 0xfee00080 32 $(((tpr ^ 0x20) & 0xf0))
        result apic_tpr "$tpr,$(printf 0x%08x $(((tpr ^ 0x20) & 0xf0))),$(taskset 1 devmem 0xfee00080 32)"
        taskset 1 devmem 0xfee00080 32 "$tpr"
    else
        result apic_id unreachable
    fi
}

# --- redoubt.test=disk: a virtio-blk disk written, flushed and read back ------------------------
test_disk() {
    local disk=/dev/vda size=1048576 waited=0
    while [ ! -b "$disk" ] && [ "$waited" -lt 50 ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    if [ ! -b "$disk" ]; then
        result error "no-$disk"
        return
    fi
    # 65536 distinct 16-byte lines: a sector written to the wrong place does not match.
    awk 'BEGIN { for (i = 0; i < 65536; i++) printf "dom0-disk %05d\n", i }' >/tmp/pattern
    dd if=/tmp/pattern of="$disk" bs=65536 oflag=direct conv=fsync 2>/tmp/disk.err || result write_status "$?"
    sync
    echo 3 >/proc/sys/vm/drop_caches
    dd if="$disk" of=/tmp/readback bs=65536 count=$((size / 65536)) iflag=direct 2>>/tmp/disk.err || result read_status "$?"
    local written read sum_written sum_read match=0
    written=$(wc -c </tmp/pattern)
    read=$(wc -c </tmp/readback)
    sum_written=$(sha256sum </tmp/pattern | cut -d' ' -f1)
    sum_read=$(sha256sum </tmp/readback | cut -d' ' -f1)
    [ "$sum_written" = "$sum_read" ] && [ "$written" -eq "$size" ] && match=1
    result written "$written"
    result read "$read"
    result sha256_written "$sum_written"
    result sha256_read "$sum_read"
    result match "$match"
    rm -f /tmp/pattern /tmp/readback
}

# --- redoubt.test=boundary: hypercalls only through the driver, only for root --------------------
# The probe runs VMMCALL itself in a user process (CPL 3), as uid 65534 and as root: VmCreate,
# whose effect `redoubtctl info` would show (vms). Then /dev/redoubt's mode and owner, an open
# by uid 65534 and by root, and the positive control: root's `redoubtctl info` through the driver.
info_vms() { redoubtctl info 2>/dev/null | sed -n 's/^vms: //p'; }
test_boundary() {
    local nobody="redoubt-probe as 65534" out
    result vms_before "$(info_vms)"
    out=$($nobody redoubt-probe vmmcall 0x10)
    result user_vmmcall "$(echo "$out" | sed -n 's/^vmmcall //p' | tr ' ' ',')"
    out=$(redoubt-probe vmmcall 0x10)
    result root_user_vmmcall "$(echo "$out" | sed -n 's/^vmmcall //p' | tr ' ' ',')"
    result vms_after "$(info_vms)"
    result dev_mode "$(stat -c %a /dev/redoubt 2>/dev/null || echo missing)"
    result dev_owner "$(stat -c %u:%g /dev/redoubt 2>/dev/null || echo missing)"
    result user_open "$($nobody redoubt-probe open /dev/redoubt | sed -n 's/^open //p')"
    result root_open "$(redoubt-probe open /dev/redoubt | sed -n 's/^open //p')"
    $nobody redoubtctl info >/dev/null 2>/tmp/redoubtctl.err
    result user_redoubtctl_exit "$?"
    sed 's/^/DOM0-TEST-STDERR: /' /tmp/redoubtctl.err
    redoubtctl info >/dev/null
    result root_redoubtctl_exit "$?"
    rm -f /tmp/redoubtctl.err
}

# --- redoubt.test=buffers: hypercall buffers and donations aimed where Dom0 has no right --------
# Through the driver's raw ioctl (redoubt-probe call), so any physical address can be named. Each
# key is the status Redoubt returned (docs/spec/abi.md: 0 Success, 7 NotOwned, 11 InvalidBuffer). Info's record in Dom0's own page 0 (0x100) is the control: served (0), and
# the record is there (its ABI version read back through /dev/mem). Then Info at Redoubt's
# start-up page (8000h) and at the first Reserved range above 1 MiB (Redoubt's memory), at the
# APIC, the TPM and the ECAM window; donations of those; then page 0 donated to a VM (control:
# 0), Info and VmReport aimed at it (now the VM's), reclaimed (0) and both served there again.
call_status() { redoubt-probe call "$@" | sed -n 's/^call status=\([0-9]*\).*/\1/p'; }
call_result0() { redoubt-probe call "$@" | sed -n 's/^call .*result0=\(0x[0-9a-f]*\).*/\1/p'; }
# The start of the first Reserved range of /proc/iomem at or above 1 MiB (memory Redoubt keeps),
# or of the last Reserved range when none is.
first_reserved_above_1m() {
    local line range start=0
    while IFS= read -r line; do
        range=${line%% : *}
        [ "${line#* : }" = "Reserved" ] || continue
        range=${range##* }
        start=$((0x${range%-*}))
        [ "$start" -ge 1048576 ] && break
    done </proc/iomem
    echo "$start"
}

test_buffers() {
    local info=0x00 create=0x10 destroy=0x11 donate=0x12 reclaim=0x13 report=0x1b size=96 kept vm
    kept=$(first_reserved_above_1m)
    result kept "$(printf '0x%x' "$kept")"
    result info_page0 "$(call_status $info 0x100 $size)"
    result info_page0_abi "$(dd if=/dev/mem bs=8 count=1 skip=32 2>/dev/null | od -An -tx8 | tr -d ' ')"
    result info_trampoline "$(call_status $info 0x8000 $size)"
    result info_kept "$(call_status $info "$kept" $size)"
    result info_apic "$(call_status $info 0xfee00000 $size)"
    result info_tpm "$(call_status $info 0xfed40000 $size)"
    result info_ecam "$(call_status $info 0xb0000000 $size)"
    vm=$(call_result0 $create)
    result vm_create "$vm"
    result donate_kept "$(call_status $donate "$vm" "$kept" 1 0)"
    result donate_trampoline "$(call_status $donate "$vm" 0x8000 1 0x1000)"
    result donate_apic "$(call_status $donate "$vm" 0xfee00000 1 0x2000)"
    result donate_page0 "$(call_status $donate "$vm" 0 1 0x3000)"
    result info_vm_page "$(call_status $info 0x100 $size)"
    result report_vm_page "$(call_status $report "$vm" 0x100 4096)"
    result donate_vm_page "$(call_status $donate "$vm" 0 1 0x4000)"
    result reclaim_page0 "$(call_status $reclaim "$vm" 0x3000 1)"
    result info_page0_again "$(call_status $info 0x100 $size)"
    result report_page0_again "$(call_status $report "$vm" 0x100 4096)"
    result vm_destroy "$(call_status $destroy "$vm")"
}

# --- redoubt.test=ioctl-bench: what a call to Redoubt costs Dom0 ------------------------------
# Pairs on the same path: `redoubtctl info` end to end (process start, open, the Info ioctl,
# VMMCALL) beside `redoubtctl help` (the same process, no call), redoubt.bench_runs times each;
# the Info ioctl with its VMMCALL beside an ioctl the driver refuses without a hypercall,
# redoubt.bench_calls times each.
# The probe's "WORD key=value ..." line as result lines, each key prefixed with $2.
probe_results() { sed -n "s/^$1 //p" | tr ' ' '\n' | sed "s/^/DOM0-TEST $TEST $2/"; }
test_ioctl_bench() {
    local runs calls
    runs=$(option redoubt.bench_runs)
    runs=${runs:-200}
    calls=$(option redoubt.bench_calls)
    calls=${calls:-20000}
    redoubt-probe exec-loop "$runs" redoubtctl info | probe_results exec-loop info_
    redoubt-probe exec-loop "$runs" redoubtctl help | probe_results exec-loop help_
    redoubt-probe info-loop "$calls" | probe_results info-loop info_
    redoubt-probe null-loop "$calls" | probe_results null-loop null_
}

# --- redoubt.test=shootdown: a call waits for every CPU's TLB acknowledgement -----------------
# With redoubt.shootdown_delay_ms=N on Redoubt's command line, a CPU that exits Dom0 for a
# shootdown NMI holds its acknowledgement N ms. CPU 1 spins in Dom0; on CPU 0, through the raw
# ioctl: Info (no translation removed, so no shootdown: the control), a VM created, page 0
# donated to it (Dom0's translation removed: the call waits for CPU 1, when CPU 1 is in Dom0,
# before it zeroes the frame) and reclaimed (the VM's removed), three times, the VM destroyed.
# Each key: status,nanoseconds.
call_ns() { sed -n 's/^call status=\([0-9]*\).* ns=\([0-9]*\)/\1,\2/p'; }
test_shootdown() {
    taskset -c 1 sh -c 'while :; do :; done' &
    local spinner=$! vm
    sleep 1
    result info "$(taskset -c 0 redoubt-probe call 0x00 | call_ns)"
    vm=$(taskset -c 0 redoubt-probe call 0x10 | sed -n 's/^call .*result0=\(0x[0-9a-f]*\).*/\1/p')
    # CPU 1 may be in Redoubt (an APIC access) when a call shoots down: then it flushes on its
    # next entry and the call need not wait. So three rounds.
    local round
    for round in 1 2 3; do
        result "donate_$round" "$(taskset -c 0 redoubt-probe call 0x12 "$vm" 0 1 0 | call_ns)"
        result "reclaim_$round" "$(taskset -c 0 redoubt-probe call 0x13 "$vm" 0 1 | call_ns)"
    done
    result destroy "$(taskset -c 0 redoubt-probe call 0x11 "$vm" | call_ns)"
    kill "$spinner"
}

# --- redoubt.test=driver-memory: the driver's own pages for VMs, given, taken back, released -------
# The probe's `memory` steps (statuses, errnos, the VMs' private frames after each), then what is
# left after its file is closed, and the driver's leak lines.
test_driver_memory() {
    redoubt-probe memory | sed -n "s/^memory \(.*\)=\(.*\)$/DOM0-TEST $TEST \1=\2/p"
    result guest_private_after_close "$(redoubtctl info | sed -n 's/^frames.guest_private: //p')"
    result leak_lines "$(dmesg | grep -c 'redoubt: leaking')"
    dmesg | grep 'redoubt: leaking' | sed 's/^/DOM0-TEST-DMESG: /'
}

# --- redoubt.test=hypercall-storm: random hypercalls through the raw ioctl on both CPUs -----------
# redoubt.storm=N calls in all (default 200000), half on each CPU (taskset), each process with its
# own seed; then `redoubtctl info`. Counts per status as storm.cpuN.status.NAME lines.
test_hypercall_storm() {
    local total half cpu
    total=$(option redoubt.storm)
    total=${total:-200000}
    half=$((total / 2))
    result calls "$total"
    for cpu in 0 1; do
        taskset -c "$cpu" redoubt-probe storm "$half" "$((cpu + 1))" >"/tmp/storm.$cpu" 2>&1 &
    done
    wait
    for cpu in 0 1; do
        sed -n "s/^storm \(.*\)=\(.*\)$/DOM0-TEST $TEST cpu$cpu.\1=\2/p" "/tmp/storm.$cpu"
    done
    rm -f /tmp/storm.0 /tmp/storm.1
    redoubtctl info
    result info_exit "$?"
    result unknown_nmi_lines "$(dmesg | grep -c -E 'NMI received for unknown reason|Dazed and confused')"
}

# --- redoubt.test=pciclasses: the PCI functions Dom0 enumerates, and how many are IOMMUs -------
pci_classes() {
    local entry count=0 iommus=0
    for entry in /sys/bus/pci/devices/*; do
        [ -e "$entry/class" ] || continue
        count=$((count + 1))
        case $(cat "$entry/class") in
        0x0806*) iommus=$((iommus + 1)) ;;
        esac
    done
    result pci_functions "$count"
    result iommu_functions "$iommus"
}

# One byte to an I/O port through /dev/port.
port_write() {
    printf "\\$(printf %03o "$2")" | dd of=/dev/port bs=1 seek="$1" count=1 conv=notrunc 2>/dev/null
}

# A configuration dword of a function, through sysfs (Linux reaches it with CF8h/CFCh).
config_read() {
    echo $((0x$(dd if="$1/config" bs=4 skip=$(($2 / 4)) count=1 2>/dev/null | od -An -tx4 | tr -d ' ')))
}

config_write() {
    local v=$3
    printf "\\$(printf %03o $((v & 255)))\\$(printf %03o $((v >> 8 & 255)))\\$(printf %03o $((v >> 16 & 255)))\\$(printf %03o $((v >> 24 & 255)))" |
        dd of="$1/config" bs=4 seek=$(($2 / 4)) count=1 conv=notrunc 2>/dev/null
}

# --- redoubt.test=platform: reset, sleep and PCI configuration attempts from Dom0's root -------
# Each reset write is refused by Redoubt, so this script goes on to the next line. A 32-bit
# memory BAR (memory decoding on) is rewritten with its own value and sized (both must work),
# then moved over the first Reserved range of RAM (Redoubt's memory: refused, it reads back
# unchanged). Then suspend to RAM (refused; Dom0 wakes at once). Ends with `reboot -f`, which
# goes through Redoubt.
test_platform() {
    port_write $((0xCF9)) 6
    result after_cf9 alive
    port_write $((0x92)) 1
    result after_92 alive
    port_write $((0x64)) $((0xFE))
    result after_64 alive
    pci_classes

    local entry bar=none offset old command mask target=0
    for entry in /sys/bus/pci/devices/*; do
        command=$(config_read "$entry" 4)
        [ $((command & 2)) -ne 0 ] || continue
        for offset in 16 20 24 28 32 36; do
            old=$(config_read "$entry" "$offset")
            # Memory, 32-bit, implemented (non-zero address).
            if [ $((old & 7)) -eq 0 ] && [ $((old & 0xFFFFFFF0)) -ne 0 ]; then
                bar="${entry##*/}@$offset"
                break 2
            fi
        done
    done
    result bar "$bar"
    if [ "$bar" != none ]; then
        result bar_old "$(printf '0x%08x' "$old")"
        config_write "$entry" "$offset" "$old"
        result bar_same_value "$(printf '0x%08x' "$(config_read "$entry" "$offset")")"
        config_write "$entry" "$offset" $((0xFFFFFFFF))
        mask=$(config_read "$entry" "$offset")
        result bar_sizing "$(printf '0x%08x' "$mask")"
        config_write "$entry" "$offset" "$old"
        result bar_restored "$(printf '0x%08x' "$(config_read "$entry" "$offset")")"
        target=$(first_reserved_above_1m)
        result bar_target "$(printf '0x%08x' "$target")"
        config_write "$entry" "$offset" "$target"
        result bar_after_move "$(printf '0x%08x' "$(config_read "$entry" "$offset")")"
    fi
    # ICH9's RCBA (LPC bridge 00:1f.0, F0h): QEMU lays its 16 KiB chipset block at RCBA over
    # RAM. Its own value again (the control: passes), then moved over Redoubt's memory (kept).
    local lpc=/sys/bus/pci/devices/0000:00:1f.0 rcba
    if [ -e "$lpc/config" ]; then
        rcba=$(config_read "$lpc" $((0xF0)))
        result rcba_old "$(printf '0x%08x' "$rcba")"
        config_write "$lpc" $((0xF0)) "$rcba"
        result rcba_same_value "$(printf '0x%08x' "$(config_read "$lpc" $((0xF0)))")"
        config_write "$lpc" $((0xF0)) $((target | 1))
        result rcba_after_move "$(printf '0x%08x' "$(config_read "$lpc" $((0xF0)))")"
    fi
    # MSI message data of the first function with an MSI capability: lowest priority instead
    # of fixed (the control: passes), then INIT (refused: reads back unchanged), then its own
    # value back.
    local msi=none at cap hops data
    for entry in /sys/bus/pci/devices/*; do
        [ $(($(config_read "$entry" 4) >> 20 & 1)) -eq 1 ] || continue
        at=$(($(config_read "$entry" $((0x34))) & 0xFC))
        hops=0
        while [ "$at" -ge 64 ] && [ "$hops" -lt 48 ]; do
            cap=$(config_read "$entry" "$at")
            if [ $((cap & 0xFF)) -eq 5 ]; then
                msi="${entry##*/}@$at"
                break 2
            fi
            at=$((cap >> 8 & 0xFC))
            hops=$((hops + 1))
        done
    done
    result msi "$msi"
    if [ "$msi" != none ]; then
        data=$((at + 8))
        [ $((cap >> 23 & 1)) -eq 0 ] || data=$((at + 12))
        old=$(config_read "$entry" "$data")
        result msi_old "$(printf '0x%08x' "$old")"
        config_write "$entry" "$data" $(((old & ~0x700) | 0x100))
        result msi_lowest_priority "$(printf '0x%08x' "$(config_read "$entry" "$data")")"
        config_write "$entry" "$data" $(((old & ~0x700) | 0x500))
        result msi_after_init "$(printf '0x%08x' "$(config_read "$entry" "$data")")"
        config_write "$entry" "$data" "$old"
        result msi_restored "$(printf '0x%08x' "$(config_read "$entry" "$data")")"
    fi

    result mem_sleep "$(tr ' ' ',' </sys/power/mem_sleep)"
    echo deep >/sys/power/mem_sleep 2>/dev/null
    local status=0
    echo mem >/sys/power/state || status=$?
    result s3_status "$status"
    result after_s3 alive
    echo "DOM0-TEST $TEST done"
    reboot -f
}

TEST=$(option redoubt.test)
if [ -n "$TEST" ]; then
    case $TEST in
    info) test_info ;;
    hidden) test_hidden ;;
    devmem) test_devmem ;;
    disk) test_disk ;;
    boundary) test_boundary ;;
    buffers) test_buffers ;;
    ioctl-bench) test_ioctl_bench ;;
    shootdown) test_shootdown ;;
    driver-memory) test_driver_memory ;;
    hypercall-storm) test_hypercall_storm ;;
    msr) test_msr ;;
    pciclasses) pci_classes ;;
    platform) test_platform ;;
    triplefault)
        # The command line says reboot=triple: Linux resets by triple fault.
        result reboot "triple-fault"
        echo "DOM0-TEST $TEST done"
        reboot -f
        ;;
    poweroff) ;;
    *) result error "unknown-test" ;;
    esac
    finish
fi

if has_flag redoubt.demo; then
    redoubtctl info
    poweroff -f
fi

# Interactive: a shell on the console. `poweroff`, `reboot` and `halt` signal PID 1 (this
# script), which does it with -f. The shell runs in the background so that a signal interrupts
# `wait` at once.
trap 'sync; poweroff -f' USR2
trap 'sync; reboot -f' TERM
trap 'sync; halt -f' USR1
echo
echo "Redoubt Dom0 (Debian $(uname -r)). 'redoubtctl help' lists what Redoubt answers;"
echo "'poweroff' turns the machine off."
while true; do
    setsid cttyhack sh &
    wait $!
done
