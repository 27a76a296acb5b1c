using System.Runtime.InteropServices;

namespace Redoubt.Kernel.X64.Cpu;

// The operand of LGDT/LIDT: limit, then linear base.
[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct DescriptorPointer
{
    public ushort Limit;
    public ulong Base;
}
