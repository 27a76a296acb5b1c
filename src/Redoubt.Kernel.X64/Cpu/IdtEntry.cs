using System.Runtime.InteropServices;

namespace Redoubt.Kernel.X64.Cpu;

// A 64-bit interrupt gate (SDM vol. 3 6.14.1).
[StructLayout(LayoutKind.Sequential)]
internal struct IdtEntry
{
    public ushort OffsetLow;
    public ushort Selector;
    public byte Ist;
    public byte TypeAttributes;
    public ushort OffsetMiddle;
    public uint OffsetHigh;
    public uint Reserved;

    public const byte PresentInterruptGate = 0x8E;

    public static IdtEntry InterruptGate(ulong handler, ushort selector, byte ist) => new IdtEntry
    {
        OffsetLow = (ushort)handler,
        Selector = selector,
        Ist = ist,
        TypeAttributes = PresentInterruptGate,
        OffsetMiddle = (ushort)(handler >> 16),
        OffsetHigh = (uint)(handler >> 32),
    };
}
