using System.Runtime.InteropServices;

namespace Redoubt.Kernel.X64.Cpu;

// The 64-bit TSS: only the interrupt stack table matters to Redoubt (IST1 gives faults that
// may come from a broken stack, such as a stack overflow, a known-good stack).
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct TaskStateSegment
{
    public uint Reserved0;
    public ulong Rsp0, Rsp1, Rsp2;
    public ulong Reserved1;
    public ulong Ist1, Ist2, Ist3, Ist4, Ist5, Ist6, Ist7;
    public ulong Reserved2;
    public ushort Reserved3;
    public ushort IoMapBase;
}
