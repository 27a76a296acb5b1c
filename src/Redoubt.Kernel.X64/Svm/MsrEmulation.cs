using Redoubt.Kernel.Virtualization;

namespace Redoubt.Kernel.X64.Svm;

// Carries out MsrPolicy's rule for an intercepted RDMSR/WRMSR on the vCPU's VMCB and world-switch
// state. False when the access is refused (the caller injects #GP).
// Safe: the VMCB is the exiting vCPU's own.
internal static unsafe class MsrEmulation
{
    public static bool Apply(SvmVcpu vcpu, uint msr, bool write, ref ulong value)
    {
        byte* v = (byte*)vcpu.Vmcb;
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
            case MsrRule.TscAux:
                if (!write)
                    return Read(HostMsrs.Features.TscAux, vcpu.Switch.GuestTscAux, ref value);
                if (!HostMsrs.Features.IsValidTscAux(value))
                    return false;
                vcpu.Switch.GuestTscAux = value;
                return true;
            case MsrRule.SpecCtrl:
                if (!write)
                    return Read(HostMsrs.Features.SpecCtrl, vcpu.Switch.GuestSpecCtrl, ref value);
                if (!HostMsrs.Features.IsValidSpecCtrl(value))
                    return false;
                vcpu.Switch.GuestSpecCtrl = value;
                return true;
            case MsrRule.PredictionCommand:
                if (!HostMsrs.Features.IsValidPredCmd(value))
                    return false;
                if (value != 0)
                    Cpu.Cpu.WriteMsr(MsrNumber.PredCmd, value);
                return true;
            default:
                // Vmcb MSRs are never intercepted; everything else is refused.
                return false;
        }
    }

    // A read of a per-vCPU MSR: its value where the CPU has the MSR, else refused.
    private static bool Read(bool exists, ulong held, ref ulong value)
    {
        value = held;
        return exists;
    }
}
