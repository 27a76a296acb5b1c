namespace Redoubt.Abi;

// Why VcpuRun returned (ExitMessage.Reason).
public enum ExitReason : uint
{
    None = 0,
    // An I/O port access for the VM's device model: Port, Size, IsWrite, Data.
    PortIo = 1,
    // A guest-physical access to no memory: GuestPhysicalAddress, Size, IsWrite, Data.
    Mmio = 2,
    // CPUID outside the kernel's table: Leaf/Subleaf in Data/Qualification.
    Cpuid = 3,
    // RDMSR/WRMSR outside the kernel's policy: Msr in Qualification, Data for writes.
    Msr = 4,
    // HLT with nothing pending: the caller may wait until NextTimerDeadline.
    Halt = 5,
    // A physical interrupt arrived for the host: run again after serving it.
    Interrupted = 6,
    // The guest triple-faulted or was killed: the VM is dead.
    Shutdown = 7,
    // A guest-physical access the VM may never make (e.g. outside its memory).
    NestedPageFault = 8,
}
