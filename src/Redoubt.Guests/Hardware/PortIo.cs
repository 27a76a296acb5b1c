using System.Runtime;
using System.Runtime.CompilerServices;
using Redoubt.Abi;

namespace Redoubt.Guests.Hardware;

// Port writes, the guest's only way to talk to its handler (Boot/instructions.asm). Each one is
// an exit.
internal static class PortIo
{
    public static void OutByte(TestPort port, byte value) => OutByte((ushort)port, value);

    public static void OutDword(TestPort port, uint value) => OutDword((ushort)port, value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtGuestOutByte")]
    private static extern void OutByte(ushort port, byte value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtGuestOutDword")]
    private static extern void OutDword(ushort port, uint value);
}
