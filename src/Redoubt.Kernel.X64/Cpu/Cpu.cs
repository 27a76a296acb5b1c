using System.Runtime;
using System.Runtime.CompilerServices;

namespace Redoubt.Kernel.X64.Cpu;

// Privileged instructions, implemented in Boot/cpu.asm of the image. Direct calls, no transition.
// Safe: each routine does exactly what its name says and touches no memory but what a pointer
// argument names; callers pass pointers to their own live locals or static tables.
internal static unsafe class Cpu
{
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtOutByte")]
    public static extern void OutByte(ushort port, byte value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtInByte")]
    public static extern byte InByte(ushort port);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtOutWord")]
    public static extern void OutWord(ushort port, ushort value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtInWord")]
    public static extern ushort InWord(ushort port);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtOutDword")]
    public static extern void OutDword(ushort port, uint value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtInDword")]
    public static extern uint InDword(ushort port);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtReadCr0")]
    public static extern ulong ReadCr0();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtReadCr2")]
    public static extern ulong ReadCr2();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtReadCr3")]
    public static extern ulong ReadCr3();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtReadCr4")]
    public static extern ulong ReadCr4();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtWriteCr0")]
    public static extern void WriteCr0(ulong value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtWriteCr3")]
    public static extern void WriteCr3(ulong value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtWriteCr4")]
    public static extern void WriteCr4(ulong value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtReadXcr0")]
    public static extern ulong ReadXcr0();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtWriteXcr0")]
    public static extern void WriteXcr0(ulong value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtReadMsr")]
    public static extern ulong ReadMsr(uint msr);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtWriteMsr")]
    public static extern void WriteMsr(uint msr, ulong value);

    // WBINVD: dirty lines written back, then every cache invalidated.
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtWriteBackInvalidate")]
    public static extern void WriteBackInvalidate();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtCpuid")]
    public static extern void Cpuid(uint leaf, uint subleaf, uint* registers);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtReadTsc")]
    public static extern ulong ReadTsc();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtLoadGdt")]
    public static extern void LoadGdt(DescriptorPointer* gdtr, ushort codeSelector, ushort dataSelector);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtLoadIdt")]
    public static extern void LoadIdt(DescriptorPointer* idtr);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtLoadTr")]
    public static extern void LoadTaskRegister(ushort selector);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtInvalidatePage")]
    public static extern void InvalidatePage(ulong address);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtAcceptInterrupts")]
    public static extern void AcceptInterrupts();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtDisableInterrupts")]
    public static extern void DisableInterrupts();

    // HLT with interrupts as they are: with them disabled, only an NMI (or INIT, SMI) wakes it.
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtHalt")]
    public static extern void Halt();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtHaltForever")]
    public static extern void HaltForever();

    // Atomically: if *location == comparand, *location = value. Returns the value found.
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtCompareExchange32")]
    public static extern int CompareExchange(int* location, int value, int comparand);

    // A spin-wait hint (PAUSE).
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtPause")]
    public static extern void Pause();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtReturnAddress")]
    public static extern ulong ReturnAddress();

    public const uint EferMsr = 0xC0000080;
    public const ulong EferNoExecuteEnable = 1UL << 11;
    public const ulong Cr0WriteProtect = 1UL << 16;
    public const ulong Cr4OsXsave = 1UL << 18;
}
