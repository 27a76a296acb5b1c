using System.Runtime;
using System.Runtime.CompilerServices;

namespace Redoubt.Kernel.X64.Boot;

// The kernel stack and the interrupt stack (IST1) reserved in Boot/cpu.asm, each with an
// unmapped guard page right below it.
internal static class StackBounds
{
    public static ulong StackGuard => Guard();
    public static ulong StackTop => Top();
    public static ulong TrapStackGuard => TrapGuard();
    public static ulong TrapStackTop => TrapTop();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtStackGuard")]
    private static extern ulong Guard();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtStackTop")]
    private static extern ulong Top();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtTrapStackGuard")]
    private static extern ulong TrapGuard();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtTrapStackTop")]
    private static extern ulong TrapTop();
}
