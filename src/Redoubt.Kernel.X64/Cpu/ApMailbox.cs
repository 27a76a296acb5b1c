using System.Runtime.InteropServices;

namespace Redoubt.Kernel.X64.Cpu;

// What Boot/ap.asm's 64-bit landing reads for the CPU being started: its stack top, its CPU
// index and the C# entry point. Written by the boot CPU before each STARTUP; one CPU starts at
// a time, and Arrived (set by that CPU in its entry) says the mailbox may be reused.
[StructLayout(LayoutKind.Sequential)]
internal struct ApMailbox
{
    public ulong StackTop;
    public ulong Index;
    public ulong Entry;
    public volatile int Arrived;
}
