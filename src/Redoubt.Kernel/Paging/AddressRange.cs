namespace Redoubt.Kernel.Paging;

// [Start, End): End is one past the last byte.
public readonly struct AddressRange
{
    public AddressRange(ulong start, ulong end)
    {
        Start = start;
        End = end;
    }

    public ulong Start { get; }
    public ulong End { get; }

    public ulong Length => End - Start;

    public bool Contains(ulong address) => address >= Start && address < End;

    public bool Intersects(ulong start, ulong end) => Start < end && End > start;
}
