namespace Redoubt.Kernel.Tests.Hypercalls;

public enum MemoryEventKind
{
    Frame,
    ShootDown,
}
