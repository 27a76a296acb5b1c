using Redoubt.Kernel.Boot;
using Redoubt.Kernel.X64.Console;

namespace Redoubt.Kernel.X64.Traps;

// The end of every fatal error: the caller prints its reason line(s), then Halt prints the
// closing line, tells QEMU (isa-debug-exit) and stops the CPU. A failure while panicking only
// halts, so a broken console cannot loop.
internal static class Panic
{
    private static bool s_panicking;

    // False when a panic is already in progress: the caller must not print, only halt.
    public static bool Begin()
    {
        if (s_panicking)
            return false;
        s_panicking = true;
        return true;
    }

    public static void Halt()
    {
        Log.Panic("system"u8).Text("halted"u8).End();
        Stop();
    }

    public static void Stop()
    {
        Cpu.Cpu.OutByte(DebugExit.Port, DebugExit.Panic);
        Cpu.Cpu.HaltForever();
    }
}
