using Redoubt.Kernel.Virtualization;

namespace Redoubt.Kernel.X64.Svm;

// Carries out MsrPolicy's rule for an intercepted RDMSR/WRMSR on the vCPU's VMCB. False when the
// access is refused (the caller injects #GP).
// Safe: v is the exiting vCPU's own VMCB.
internal static unsafe class MsrEmulation
{
    private const ulong EferSvmEnable = 1UL << 12, EferLongModeActive = 1UL << 10, ApicBaseDefault = 0xFEE0_0900;

    public static bool Apply(byte* v, uint msr, bool write, ref ulong value)
    {
        switch (MsrPolicy.Decide(msr, write))
        {
            case MsrRule.Efer:
                ulong* efer = (ulong*)(v + Vmcb.Efer);
                if (!write)
                {
                    value = *efer & ~EferSvmEnable;
                    return true;
                }
                if (!MsrPolicy.IsValidEferWrite(value))
                    return false;
                *efer = (value & ~EferLongModeActive) | (*efer & EferLongModeActive) | EferSvmEnable;
                return true;
            case MsrRule.Pat:
                if (!write)
                {
                    value = *(ulong*)(v + Vmcb.GuestPat);
                    return true;
                }
                if (!MsrPolicy.IsValidPat(value))
                    return false;
                *(ulong*)(v + Vmcb.GuestPat) = value;
                return true;
            case MsrRule.TimeStampCounter:
                value = Cpu.Cpu.ReadTsc();
                return true;
            case MsrRule.ApicBase:
                value = ApicBaseDefault;
                return true;
            case MsrRule.ReadZero:
                value = 0;
                return true;
            default:
                // Vmcb MSRs are never intercepted; everything else is refused.
                return false;
        }
    }
}
