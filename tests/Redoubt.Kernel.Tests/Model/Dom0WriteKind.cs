namespace Redoubt.Kernel.Tests.Model;

public enum Dom0WriteKind
{
    // A VcpuState that VcpuSetState accepts.
    VcpuState,
    // Random register values: usually rejected (non-canonical RIP/RSP, reserved RFLAGS bits).
    MalformedVcpuState,
    Random,
}
