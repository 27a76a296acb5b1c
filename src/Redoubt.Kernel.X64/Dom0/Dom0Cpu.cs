using Redoubt.Kernel.X64.Svm;

namespace Redoubt.Kernel.X64.Dom0;

// One physical CPU's share of Dom0: Dom0's vCPU with the same index runs on it and nowhere else
// (vCPU n = CPU n, same APIC ID). Secondary vCPUs start when Dom0 sends INIT then STARTUP to
// their APIC ID (Dom0Apic), as on hardware; until then their CPU waits in Redoubt.
internal sealed class Dom0Cpu
{
    public const int Parked = 0, InitReceived = 1, Started = 2, Running = 3;

    public Dom0Cpu(int index, uint apicId, SvmVcpu vcpu, ulong hostSaveArea, ulong hostStateArea, ulong trapStackTop)
    {
        Index = index;
        ApicId = apicId;
        Vcpu = vcpu;
        HostSaveArea = hostSaveArea;
        HostStateArea = hostStateArea;
        TrapStackTop = trapStackTop;
    }

    public int Index { get; }
    public uint ApicId { get; }
    public SvmVcpu Vcpu { get; }
    // VM_HSAVE_PA: VMRUN's own, in the CPU's format.
    public ulong HostSaveArea { get; }
    // Where the world switch VMSAVEs the host's FS, GS, TR, LDTR and syscall MSRs.
    public ulong HostStateArea { get; }
    public ulong TrapStackTop { get; }

    // Parked, InitReceived or Started, written by the CPU that handles Dom0's IPI; Running,
    // written by this CPU once it woke up to start its vCPU (volatile accesses).
    public volatile int StartState;
    // The STARTUP vector: the vCPU starts in real mode at vector * 4 KiB.
    public volatile int StartVector;
    // 1 while this CPU runs Dom0 (between the TLB check and the exit): a TLB shootdown must
    // interrupt it; 0 while it is in Redoubt, where it checks before the next entry.
    public int InGuest;
    // 1 from the moment Redoubt sends this CPU an NMI (a shootdown, a wake-up) until the CPU
    // takes an NMI: that one was Redoubt's, not Dom0's (Dom0Cpus.TakeNmi).
    public int RedoubtNmiSent;
    // 1 when this CPU took an NMI that was Dom0's (from its devices or its own IPIs): Dom0Runner
    // injects it at the next entry.
    public int Dom0NmiPending;
}
