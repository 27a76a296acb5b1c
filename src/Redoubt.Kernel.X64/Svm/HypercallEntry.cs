using Redoubt.Abi;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Dom0;
using Redoubt.Kernel.X64.Memory;

namespace Redoubt.Kernel.X64.Svm;

// Where every hypercall enters the kernel core on this platform, whoever the caller: Dom0's or a
// guest's VMMCALL, and until Dom0 exists the in-kernel launcher acting as Dom0. One CPU at a
// time, Dom0's and VMs' calls alike (the core lock): a call's TLB shootdown and frame reuse
// never interleave with another's. After a call that ends vCPUs (VmDestroy), their hardware
// state is scrubbed at once, so that no register value of a dead vCPU stays in the hypervisor.
// Hypercalls are taken only from CPL 0 (the domain's kernel), as KVM and Xen take them: a
// VMMCALL from user space performs nothing and gets #UD, as on a CPU without a hypervisor.
// Dom0's user space reaches Redoubt only through Dom0's driver (/dev/redoubt).
// Safe: v is the exiting vCPU's own VMCB.
internal static unsafe class HypercallEntry
{
    private const byte VectorInvalidOpcode = 6;
    private static ulong s_userCalls;

    // False, with #UD injected and RIP left at the VMMCALL, when the caller ran at CPL > 0.
    public static bool IsFromKernelMode(byte* v, ushort caller)
    {
        byte cpl = *(v + Vmcb.Cpl);
        if (cpl == 0)
            return true;
        *(ulong*)(v + Vmcb.EventInjection) = VectorInvalidOpcode | Vmcb.EventException | Vmcb.EventValid;
        s_userCalls++;
        if (s_userCalls <= 16 || s_userCalls % 1024 == 0)
            Log.Warn("hypercall"u8).Text("domain "u8).Decimal(caller).Text(" (0 = Dom0): VMMCALL at CPL "u8).Decimal(cpl)
                .Text(", rip "u8).Hex(*(ulong*)(v + Vmcb.Rip)).Text(" refused (#UD): hypercalls come from a kernel only, "u8)
                .Decimal(s_userCalls).Text(" so far"u8).End();
        return false;
    }

    public static HypercallResult Dispatch(KernelCore<RangePhysicalMemory> core, ushort caller, in HypercallRegisters registers)
    {
        Dom0Cpus.LockCore();
        HypercallResult result = core.Dispatch(caller, registers);
        if (result.Status == HypercallStatus.Success && registers.Number == (ulong)Hypercall.VmDestroy)
            SvmHost.ScrubRetired(core);
        KernelAuditor.AfterCall(core);
        Dom0Cpus.UnlockCore();
        return result;
    }
}
