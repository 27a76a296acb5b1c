using System.Runtime;
using System.Runtime.CompilerServices;

namespace Redoubt.Guests.Hardware;

// CPUID, MSRs and the entry stub's AVX decision (Boot/instructions.asm). Under Redoubt, CPUID
// and most MSR accesses exit to the hypervisor, which answers by its policies.
internal static unsafe class Processor
{
    // Safe: the routine stores exactly four dwords through the pointer, which points to this
    // frame's own local.
    public static CpuidResult Cpuid(uint leaf, uint subleaf = 0)
    {
        CpuidResult result;
        CpuidInto(leaf, subleaf, &result);
        return result;
    }

    // Whether Boot/entry.asm enabled AVX (CR4.OSXSAVE, XCR0 = x87|SSE|AVX): the CPU offers it.
    public static bool AvxEnabled => AvxEnabledFlag() != 0;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtGuestReadMsr")]
    public static extern ulong ReadMsr(uint msr);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtGuestWriteMsr")]
    public static extern void WriteMsr(uint msr, ulong value);

    // DR0-DR3, four qwords at the pointer (Boot/instructions.asm); the VMCB does not hold them.
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtGuestReadDebugRegisters")]
    public static extern void ReadDebugRegisters(ulong* dr0To3);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtGuestWriteDebugRegisters")]
    public static extern void WriteDebugRegisters(ulong* dr0To3);

    // TSC_AUX as RDTSCP returns it (not intercepted: the register itself).
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtGuestTscAux")]
    public static extern uint TscAux();

    // PAUSE spins times, without an exit: time for the hypervisor's timer to switch VMs.
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtGuestSpin")]
    public static extern void Spin(uint spins);

    // Loads an empty IDT and raises #BP: the CPU shuts down (a triple fault). Does not return.
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtGuestTripleFault")]
    public static extern void TripleFault();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtGuestCpuid")]
    private static extern void CpuidInto(uint leaf, uint subleaf, CpuidResult* result);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtGuestAvxEnabled")]
    private static extern uint AvxEnabledFlag();
}
