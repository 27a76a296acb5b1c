using Redoubt.Kernel.Virtualization;
using Redoubt.Kernel.X64.Console;

namespace Redoubt.Kernel.X64.Svm;

// The MSRs of this machine the world switch and the MSR policies depend on (HostMsrFeatures),
// detected once on the boot CPU; every CPU of the machine is taken to be the same. Also
// Redoubt's own SPEC_CTRL (as firmware left it: Redoubt sets none), which the world switch puts
// back after a guest that holds another value.
internal static class HostMsrs
{
    public static HostMsrFeatures Features { get; private set; }

    public static ulong HostSpecCtrl { get; private set; }

    public static void Detect()
    {
        Features = HostMsrFeatures.Detect(new HostCpuid());
        HostSpecCtrl = Features.SpecCtrl ? Cpu.Cpu.ReadMsr(MsrNumber.SpecCtrl) : 0;
        Log.Info("svm"u8).Text("speculation controls: IBPB "u8).Text(Features.Ibpb ? "yes"u8 : "no"u8)
            .Text(", SPEC_CTRL bits "u8).Hex(Features.SpecCtrlBits).Text(" (Redoubt's value "u8).Hex(HostSpecCtrl)
            .Text("), TSC_AUX "u8).Text(Features.TscAux ? "yes"u8 : "no"u8).Text(", family "u8).Hex(Features.Family).End();
    }

    // An indirect branch prediction barrier, where the CPU has one: predictions trained before it
    // steer no indirect branch after it. Taken when a CPU passes from one domain to another.
    public static void BarrierBetweenDomains()
    {
        if (Features.Ibpb)
            Cpu.Cpu.WriteMsr(MsrNumber.PredCmd, HostMsrFeatures.PredCmdIbpb);
    }

    // This CPU's TSC_AUX (the caller's domain's value), 0 where the CPU has none.
    public static ulong ReadTscAux() => Features.TscAux ? Cpu.Cpu.ReadMsr(MsrNumber.TscAux) : 0;
}
