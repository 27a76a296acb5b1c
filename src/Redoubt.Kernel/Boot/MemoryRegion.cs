namespace Redoubt.Kernel.Boot;

public readonly struct MemoryRegion
{
    public MemoryRegion(ulong baseAddress, ulong length, MemoryKind kind)
    {
        Base = baseAddress;
        Length = length;
        Kind = kind;
    }

    public ulong Base { get; }
    public ulong Length { get; }
    public MemoryKind Kind { get; }

    // One past the last byte.
    public ulong End => Base + Length;
}
