using System;

namespace Redoubt.Kernel.Virtualization;

// Which MSRs Dom0 reaches directly: all but IA32_APIC_BASE (Dom0 may not switch its APIC to
// x2APIC mode, whose ICR MSR would send INIT and STARTUP past Redoubt, nor move it) and those
// that would reveal or reach SVM (AMD APM vol. 2 15.30 and appendix A): EFER (the VMCB keeps SVME set for VMRUN; Dom0 reads it without,
// and writes go through MsrPolicy's EFER rule), VM_CR, IGNNE, SMM_CTL, VM_HSAVE_PA, SVM_KEY,
// TSC_RATIO and SEV_STATUS. An intercepted access to those is decided by MsrPolicy like a VM's:
// EFER is emulated, the others raise #GP, as on a CPU without SVM. IA32_APIC_BASE reads the real
// value and takes only writes that keep the APIC in xAPIC mode at its address (IsAllowedApicBase).
public static class Dom0MsrPolicy
{
    private static readonly uint[] s_intercepted =
    [
        MsrNumber.ApicBase,
        MsrNumber.Efer,
        0xC000_0104,    // TSC_RATIO
        0xC001_0114,    // VM_CR
        0xC001_0115,    // IGNNE
        0xC001_0116,    // SMM_CTL
        0xC001_0117,    // VM_HSAVE_PA
        0xC001_0118,    // SVM_KEY
        0xC001_0131,    // SEV_STATUS
    ];

    public static ReadOnlySpan<uint> Intercepted => s_intercepted;

    private const ulong ApicBaseAddressMask = 0x000F_FFFF_FFFF_F000, ApicX2Mode = 1UL << 10, ApicEnabled = 1UL << 11;
    private const ulong ApicBaseWritable = ApicBaseAddressMask | ApicX2Mode | ApicEnabled | (1UL << 8);

    // A write to IA32_APIC_BASE Dom0 may make: the same base address, x2APIC mode off, no
    // reserved bit; the enable and BSP bits as the CPU takes them.
    public static bool IsAllowedApicBase(ulong current, ulong value) =>
        (value & ~ApicBaseWritable) == 0 && (value & ApicX2Mode) == 0
        && (value & ApicBaseAddressMask) == (current & ApicBaseAddressMask);

    // Clears the first MsrPolicy.PermissionMapSize bytes of msrpm and sets the read and write bits
    // of the intercepted MSRs: three 2 KiB vectors for 0-1FFFh, C000_0000h-C000_1FFFh and
    // C001_0000h-C001_1FFFh, two bits per MSR (read, then write).
    public static void FillPermissionMap(Span<byte> msrpm)
    {
        msrpm = msrpm.Slice(0, MsrPolicy.PermissionMapSize);
        msrpm.Clear();
        foreach (uint msr in s_intercepted)
        {
            int vector = msr >= 0xC001_0000 ? 2 : msr >= 0xC000_0000 ? 1 : 0;
            int bit = (int)(msr & 0x1FFF) * 2;
            msrpm[vector * 2048 + bit / 8] |= (byte)(3 << (bit % 8));
        }
    }
}
