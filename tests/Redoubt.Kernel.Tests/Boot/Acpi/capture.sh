#!/usr/bin/env bash
# Captures the ACPI tables QEMU (7.2, TCG) gives a guest, for AcpiRealTablesTests: boots each
# machine without a boot disk, lets the firmware install its tables, saves guest memory with
# the monitor's pmemsave and cuts the tables out with extract.py. Needs qemu-system-x86,
# ovmf, swtpm and python3. Run from anywhere; writes the *.acpi files next to this script.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
swtpm_pid=""
cleanup() {
    if [[ -n "$swtpm_pid" ]]; then kill "$swtpm_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# start_swtpm [--tpm2]: TPM 2.0 with the flag, TPM 1.2 without.
start_swtpm() {
    rm -rf "$work/tpm"
    mkdir -p "$work/tpm"
    swtpm socket "$@" --tpmstate dir="$work/tpm" --ctrl type=unixio,path="$work/tpm/sock" \
        --terminate --daemon --pid file="$work/tpm/pid" --log file="$work/tpm/log,level=1"
    swtpm_pid="$(cat "$work/tpm/pid")"
}

# name, seconds until the firmware has installed its tables, QEMU arguments...
capture() {
    local name="$1" wait="$2"
    shift 2
    ( sleep "$wait"; echo "pmemsave 0 0x10000000 \"$work/memory.bin\""; sleep 3; echo quit ) |
        timeout $((wait + 60)) qemu-system-x86_64 -machine q35 -accel tcg -cpu EPYC -m 256M \
            -display none -nic none -monitor stdio -serial none "$@" >"$work/qemu.log" 2>&1 || true
    echo "== $name"
    python3 "$here/extract.py" "$work/memory.bin" "$here/$name.acpi"
    rm -f "$work/memory.bin"
    swtpm_pid=""
}

tpm=(-chardev socket,id=chrtpm,path="$work/tpm/sock" -tpmdev emulator,id=tpm0,chardev=chrtpm)

# SeaBIOS: RSDP revision 0 in the F segment, RSDT only, tables packed unaligned. Two of four
# possible CPUs present (the other two listed disabled), Intel VT-d, TPM 2.0 CRB.
start_swtpm --tpm2
capture seabios-q35-intel-iommu-tpm-crb 6 -smp 2,maxcpus=4 -device intel-iommu "${tpm[@]}" -device tpm-crb,tpmdev=tpm0

# SeaBIOS: AMD-Vi (an IVRS with one IVHD), TPM 2.0 FIFO (TIS).
start_swtpm --tpm2
capture seabios-q35-amd-iommu-tpm-tis 6 -smp 2 -device amd-iommu "${tpm[@]}" -device tpm-tis,tpmdev=tpm0

# OVMF: the tables installed through EFI_ACPI_TABLE_PROTOCOL, page-aligned, RSDP outside the
# F segment; Intel VT-d and a TPM 2.0 CRB.
cp /usr/share/OVMF/OVMF_VARS_4M.fd "$work/vars.fd"
start_swtpm --tpm2
capture ovmf-q35-intel-iommu-tpm-crb 40 -smp 2 -device intel-iommu "${tpm[@]}" -device tpm-crb,tpmdev=tpm0 \
    -drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
    -drive if=pflash,format=raw,unit=1,file="$work/vars.fd"

# SeaBIOS: TPM 1.2 (a TCPA table instead of TPM2), no IOMMU, one CPU.
start_swtpm
capture seabios-q35-tpm12-tis 6 -smp 1 "${tpm[@]}" -device tpm-tis,tpmdev=tpm0
