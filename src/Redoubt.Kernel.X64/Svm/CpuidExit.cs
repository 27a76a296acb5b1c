using System.Runtime.CompilerServices;
using Redoubt.Kernel.Virtualization;

namespace Redoubt.Kernel.X64.Svm;

// The answer to a CPUID exit, once the caller has moved RIP past the instruction: the leaves
// the vCPU's table keeps (filtered once by CpuidPolicy), every other leaf from this CPU through
// the same filter each time; the bits that mirror the guest's own CR4 follow the guest. The
// same for VMs and for Dom0.
// Safe: v is the exiting vCPU's own VMCB; the registers are that vCPU's world-switch state.
internal static unsafe class CpuidExit
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Answer(SvmVcpu hardware, byte* v)
    {
        uint leaf = (uint)*(ulong*)(v + Vmcb.Rax);
        ref readonly CpuidResult kept = ref hardware.Cpuid.Find(leaf, out bool found);
        if (!found)
        {
            AnswerUnkept(hardware, v, leaf);
            return;
        }
        *(ulong*)(v + Vmcb.Rax) = kept.Eax;
        hardware.Switch.Rbx = kept.Ebx;
        hardware.Switch.Rcx = CpuidPolicy.ReflectGuestEcx(leaf, kept.Ecx, *(ulong*)(v + Vmcb.Cr4));
        hardware.Switch.Rdx = kept.Edx;
    }

    // The leaf as this CPU reports it, through the same filter: for the leaves that name the
    // CPU (its APIC ID, its place in the topology), which differ from CPU to CPU.
    public static void AnswerFromThisCpu(SvmVcpu hardware, byte* v) => AnswerUnkept(hardware, v, (uint)*(ulong*)(v + Vmcb.Rax));

    // Leaves the table does not keep (subleaf-dependent, past the caps).
    private static void AnswerUnkept(SvmVcpu hardware, byte* v, uint leaf)
    {
        CpuidResult host = default;
        if (CpuidPolicy.UsesHostValues(leaf))
            Cpu.Cpu.Cpuid(leaf, (uint)hardware.Switch.Rcx, (uint*)&host);   // EAX, EBX, ECX, EDX: CpuidResult's layout
        CpuidResult guest = CpuidPolicy.ReflectGuest(leaf, CpuidPolicy.Filter(leaf, host), *(ulong*)(v + Vmcb.Cr4));
        *(ulong*)(v + Vmcb.Rax) = guest.Eax;
        hardware.Switch.Rbx = guest.Ebx;
        hardware.Switch.Rcx = guest.Ecx;
        hardware.Switch.Rdx = guest.Edx;
    }
}
