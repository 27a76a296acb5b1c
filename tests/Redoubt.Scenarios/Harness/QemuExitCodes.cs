namespace Redoubt.Scenarios.Harness;

/// <summary>Maps QEMU exit codes to <see cref="QemuExit"/>. With isa-debug-exit QEMU exits with
/// (value &lt;&lt; 1) | 1, so the kernel can only produce odd codes.</summary>
public static class QemuExitCodes
{
    public const int Pass = (0x10 << 1) | 1;
    public const int Panic = (0x11 << 1) | 1;
    public const int Timeout = 124;

    public static QemuExit Classify(int exitCode, bool timedOut)
    {
        if (timedOut)
            return QemuExit.Timeout;
        return exitCode switch
        {
            Pass => QemuExit.Pass,
            Panic => QemuExit.Panic,
            Timeout => QemuExit.Timeout,
            0 => QemuExit.Shutdown,
            _ => QemuExit.Error,
        };
    }
}
