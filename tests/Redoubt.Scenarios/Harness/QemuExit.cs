namespace Redoubt.Scenarios.Harness;

/// <summary>What a QEMU exit code means under the console protocol.</summary>
public enum QemuExit
{
    /// <summary>Exit 33: the kernel wrote 0x10 to isa-debug-exit, the scenario finished normally.</summary>
    Pass,

    /// <summary>Exit 35: the kernel wrote 0x11 to isa-debug-exit after a panic.</summary>
    Panic,

    /// <summary>The harness stopped QEMU because the run took too long (reported as exit 124).</summary>
    Timeout,

    /// <summary>Exit 0: the machine shut down or reset (a triple fault, with -no-reboot) without reporting.</summary>
    Shutdown,

    /// <summary>Anything else: QEMU could not start, or the kernel wrote an unknown value.</summary>
    Error,
}
