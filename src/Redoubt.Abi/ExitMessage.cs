using System.Runtime.InteropServices;

namespace Redoubt.Abi;

// What VcpuRun writes to the caller's buffer when the vCPU exits to its handler. Designed so a
// ring-3 VMM can take the same message unchanged: everything needed to emulate the access and
// nothing of the guest beyond it.
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public struct ExitMessage
{
    public const int Size = 64;

    public ExitReason Reason;
    public uint VcpuIndex;
    public ulong Rip;
    public uint InstructionLength;
    public uint AccessSize;            // bytes: 1, 2, 4 or 8
    public ulong GuestPhysicalAddress; // Mmio, NestedPageFault
    public ulong Qualification;        // port number, MSR index, CPUID leaf | subleaf << 32
    public ulong Data;                 // value written, or the value to return for reads
    public uint IsWrite;
    public uint Reserved;
    public ulong NextTimerDeadline;    // TSC deadline of the guest's virtual timer, 0 = none
}
