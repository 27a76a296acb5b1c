#!/bin/busybox sh
# Dom0's /init (busybox sh), packed into artifacts/image/dom0/initrd.cpio by build-dom0.sh.
# Mounts the kernel's file systems, loads the modules listed in /lib/modules/load-order, prints
# "redoubt-dom0: ready", then follows the kernel command line:
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
# In this test mode Redoubt fills the frames it keeps with a 16-byte marker. Dom0's memory map
# lists them as Reserved; read every Reserved range below the end of the highest System RAM
# range through /dev/mem (at most the cap per range: reads of Redoubt's memory may trap on
# every load), count the marker and the pages that could not be read, and try to overwrite the
# first page of each range above 1 MiB with zeros (a zero read back means the write landed). The marker is put together at run time so that this
# file does not contain it.
test_devmem() {
    local half1='<<REDOUBT' half2='-KEPT>>'
    MARKER="$half1$half2"
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

    local entry bar=none offset old command mask
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
        local line range target=0
        while IFS= read -r line; do
            range=${line%% : *}
            [ "${line#* : }" = "Reserved" ] || continue
            range=${range##* }
            target=$((0x${range%-*}))
            [ "$target" -ge 1048576 ] && break
        done </proc/iomem
        result bar_target "$(printf '0x%08x' "$target")"
        config_write "$entry" "$offset" "$target"
        result bar_after_move "$(printf '0x%08x' "$(config_read "$entry" "$offset")")"
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
