using System;

namespace Redoubt.Kernel.Virtualization;

// What a guest may do with MSRs (docs/msr-policy.md is the table). SVM intercepts MSR accesses
// through an 8 KiB permission map (AMD APM vol. 2 15.11): three 2 KiB vectors for MSRs
// 0000_0000-0000_1FFF (at byte 0), C000_0000-C000_1FFF (800h) and C001_0000-C001_1FFF
// (1000h), two bits per MSR (bit 2n read, 2n+1 write; 1 = intercept); MSRs outside them always
// exit. Only the MSRs that VMLOAD/VMSAVE keep in the VMCB pass through; everything else exits
// and Decide says what to do. Unknown MSRs, SVM's own (VM_CR, VM_HSAVE_PA) included, get #GP.
// The permission map is derived from Decide, so the two cannot disagree.
public static class MsrPolicy
{
    public const int PermissionMapSize = 8192;

    // The 2 KiB vectors: first MSR of each, and its byte offset in the map.
    private const uint RangeLength = 0x2000;
    private const uint LowRange = 0x0000_0000, HighRange = 0xC000_0000, SvmRange = 0xC001_0000;
    private const int LowVector = 0x000, HighVector = 0x800, SvmVector = 0x1000;

    private const ulong EferSce = 1UL << 0, EferLme = 1UL << 8, EferLma = 1UL << 10, EferNxe = 1UL << 11, EferSvme = 1UL << 12;
    private const ulong EferGuestWritable = EferSce | EferLme | EferLma | EferNxe;
    private const ulong Cr0Paging = 1UL << 31;

    // IA32_APIC_BASE: BSP (bit 8), global enable (bit 11), default base FEE0_0000h.
    private const ulong ApicDefaultBase = 0xFEE0_0000, ApicEnabled = 1UL << 11, ApicBootstrap = 1UL << 8;

    // MTRR_DEF_TYPE: enabled (bit 11), fixed ranges off, default type write-back (6).
    private const ulong MtrrAllWriteBack = (1UL << 11) | 6;
    // MISC_ENABLE: fast strings (bit 0).
    private const ulong MiscFastStrings = 1;

    public static MsrRule Decide(uint msr, bool write)
    {
        switch (msr)
        {
            case MsrNumber.FsBase:
            case MsrNumber.GsBase:
            case MsrNumber.KernelGsBase:
            case MsrNumber.Star:
            case MsrNumber.Lstar:
            case MsrNumber.Cstar:
            case MsrNumber.Sfmask:
            case MsrNumber.SysenterCs:
            case MsrNumber.SysenterEsp:
            case MsrNumber.SysenterEip:
                return MsrRule.Vmcb;
            case MsrNumber.Efer:
                return MsrRule.Efer;
            case MsrNumber.Pat:
                return MsrRule.Pat;
            case MsrNumber.Tsc:
                return write ? MsrRule.InjectGp : MsrRule.TimeStampCounter;
            case MsrNumber.ApicBase:
                return write ? MsrRule.InjectGp : MsrRule.ApicBase;
            case MsrNumber.MtrrCapabilities:
            case MsrNumber.MachineCheckCapabilities:
            case MsrNumber.MachineCheckStatus:
            case MsrNumber.MiscEnable:
            case MsrNumber.PatchLevel:
                return write ? MsrRule.InjectGp : MsrRule.ReadConstant;
            // Guests program MTRRs without expecting a fault; under nested paging the guest's
            // MTRRs take no part in memory types (APM vol. 2 15.25: the host's MTRRs apply), so
            // writes are dropped.
            case MsrNumber.MtrrDefaultType:
                return write ? MsrRule.IgnoreWrite : MsrRule.ReadConstant;
            // Per vCPU, loaded by the world switch while the guest runs (RDTSCP and RDPID read the
            // register itself and cannot be intercepted).
            case MsrNumber.TscAux:
                return MsrRule.TscAux;
            case MsrNumber.SpecCtrl:
                return MsrRule.SpecCtrl;
            // Write-only on the CPU too.
            case MsrNumber.PredCmd:
                return write ? MsrRule.PredictionCommand : MsrRule.InjectGp;
            default:
                return MsrRule.InjectGp;
        }
    }

    // The value a ReadConstant MSR reads as; 0 for every other MSR.
    public static ulong ConstantValue(uint msr)
    {
        switch (msr)
        {
            // MTRRcap reads 0 (no variable or fixed ranges, no write-combining type), and with
            // MTRR_DEF_TYPE "enabled, write-back" all guest memory is write-back, which is what
            // the nested table gives it.
            case MsrNumber.MtrrDefaultType:
                return MtrrAllWriteBack;
            case MsrNumber.MiscEnable:
                return MiscFastStrings;
            default:
                return 0;
        }
    }

    // IA32_APIC_BASE: enabled at the default base; BSP set for the bootstrap vCPU only.
    public static ulong ApicBaseValue(bool bootstrapProcessor) =>
        ApicDefaultBase | ApicEnabled | (bootstrapProcessor ? ApicBootstrap : 0);

    // The EFER a guest reads: its own, without the SVME the kernel keeps set for VMRUN.
    public static ulong GuestVisibleEfer(ulong vmcbEfer) => vmcbEfer & ~EferSvme;

    // A guest may set SCE, LME, NXE, and write LMA (ignored); any other bit is #GP.
    public static bool IsValidEferWrite(ulong value) => (value & ~EferGuestWritable) == 0;

    // As above, and LME may change only while paging is off (Intel SDM vol. 3 4.1.2; #GP
    // otherwise), so the VMCB never holds LME out of step with LMA.
    public static bool IsValidEferWrite(ulong value, ulong currentEfer, ulong cr0) =>
        IsValidEferWrite(value) && ((cr0 & Cr0Paging) == 0 || ((value ^ currentEfer) & EferLme) == 0);

    // The VMCB's EFER after a valid write: the guest's bits, LMA as the hardware has it, SVME set.
    public static ulong EferAfterWrite(ulong vmcbEfer, ulong value) =>
        (value & EferGuestWritable & ~EferLma) | (vmcbEfer & EferLma) | EferSvme;

    // Each of the eight PAT entries must be a defined memory type: UC 0, WC 1, WT 4, WP 5,
    // WB 6, UC- 7 (2, 3 and 8-FFh are reserved and #GP).
    public static bool IsValidPat(ulong value)
    {
        for (int entry = 0; entry < 8; entry++)
        {
            ulong type = (value >> (8 * entry)) & 0xFF;
            if (type > 7 || type == 2 || type == 3)
                return false;
        }
        return true;
    }

    // Intercepts everything except what Decide leaves in the VMCB, in the first
    // PermissionMapSize bytes of msrpm (the reserved last 2 KiB stay all ones). The map is the
    // kernel's own: a shorter span is a kernel bug, and the index check panics.
    public static void FillPermissionMap(Span<byte> msrpm)
    {
        msrpm = msrpm.Slice(0, PermissionMapSize);
        msrpm.Fill(0xFF);
        PassThrough(msrpm, LowRange, LowVector);
        PassThrough(msrpm, HighRange, HighVector);
        PassThrough(msrpm, SvmRange, SvmVector);
    }

    // The byte offset of the 2 KiB permission vector that holds msr, or -1 when none does (then
    // every access exits).
    public static int PermissionVector(uint msr) =>
        msr - LowRange < RangeLength ? LowVector : msr - HighRange < RangeLength ? HighVector : msr - SvmRange < RangeLength ? SvmVector : -1;

    private static void PassThrough(Span<byte> msrpm, uint firstMsr, int vectorOffset)
    {
        for (uint index = 0; index < RangeLength; index++)
        {
            uint msr = firstMsr + index;
            int bit = (int)(index * 2);
            int at = vectorOffset + bit / 8;
            if (Decide(msr, write: false) == MsrRule.Vmcb)
                msrpm[at] &= (byte)~(1 << (bit % 8));
            if (Decide(msr, write: true) == MsrRule.Vmcb)
                msrpm[at] &= (byte)~(1 << (bit % 8 + 1));
        }
    }
}
