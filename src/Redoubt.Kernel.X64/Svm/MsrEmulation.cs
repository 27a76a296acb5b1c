using Redoubt.Kernel.Virtualization;

namespace Redoubt.Kernel.X64.Svm;

// Carries out MsrPolicy's rule for an intercepted RDMSR/WRMSR on the vCPU's VMCB. False when the
// access is refused (the caller injects #GP).
// Safe: v is the exiting vCPU's own VMCB.
internal static unsafe class MsrEmulation
{
    public static bool Apply(byte* v, uint msr, bool write, ref ulong value)
    {
        switch (MsrPolicy.Decide(msr, write))
        {
            case MsrRule.Efer:
                ulong* efer = (ulong*)(v + Vmcb.Efer);
                if (!write)
                {
                    value = MsrPolicy.GuestVisibleEfer(*efer);
                    return true;
                }
                if (!MsrPolicy.IsValidEferWrite(value, *efer, *(ulong*)(v + Vmcb.Cr0)))
                    return false;
                *efer = MsrPolicy.EferAfterWrite(*efer, value);
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
                // Every vCPU reads itself as the bootstrap processor until the vCPU's index
                // reaches this point.
                value = MsrPolicy.ApicBaseValue(bootstrapProcessor: true);
                return true;
            case MsrRule.ReadConstant:
                value = MsrPolicy.ConstantValue(msr);
                return true;
            case MsrRule.IgnoreWrite:
                return true;
            default:
                // Vmcb MSRs are never intercepted; everything else is refused.
                return false;
        }
    }
}
