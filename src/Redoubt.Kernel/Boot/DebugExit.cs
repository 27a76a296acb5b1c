namespace Redoubt.Kernel.Boot;

// Values written to QEMU's isa-debug-exit port (0xF4) when the kernel is done; QEMU exits with
// (value << 1) | 1. On hardware the port is unused and the CPU halts after the write.
public static class DebugExit
{
    public const ushort Port = 0xF4;
    public const byte Success = 0x10;   // QEMU exit code 33
    public const byte Panic = 0x11;     // QEMU exit code 35
}
