using System;

namespace Redoubt.Kernel.Boot;

// The physical memory map the boot protocol reported, sorted by address, with adjacent regions
// of the same kind merged. Invariants after every Add: regions are sorted, never overlap, never
// empty, and never wrap past 2^64. Where two reported ranges overlap, the more restrictive kind
// wins: memory is usable only if no report says otherwise.
public sealed class MemoryMap
{
    public const int Capacity = 128;

    private readonly MemoryRegion[] _regions = new MemoryRegion[Capacity];
    private int _count;

    public int Count => _count;

    public ReadOnlySpan<MemoryRegion> Regions => new ReadOnlySpan<MemoryRegion>(_regions, 0, _count);

    // Entries the map could not take (malformed or beyond capacity); reported at boot.
    public int Rejected { get; private set; }

    public ulong TotalBytes(MemoryKind kind)
    {
        ulong total = 0;
        foreach (MemoryRegion region in Regions)
        {
            if (region.Kind == kind)
                total += region.Length;
        }
        return total;
    }

    public bool Add(ulong baseAddress, ulong length, MemoryKind kind)
    {
        if (length == 0 || baseAddress + length < baseAddress)
        {
            Rejected++;
            return false;
        }
        ulong end = baseAddress + length;
        // Cut the new range around existing regions; where they overlap, keep the stricter kind.
        ulong cursor = baseAddress;
        while (cursor < end)
        {
            int overlapping = FindOverlap(cursor, end);
            if (overlapping < 0)
                return Insert(cursor, end, kind);
            MemoryRegion existing = _regions[overlapping];
            ulong overlapStart = Math.Max(existing.Base, cursor);
            ulong overlapEnd = Math.Min(existing.End, end);
            if (existing.Base > cursor && !Insert(cursor, existing.Base, kind))
                return false;
            // Insertion may merge and shift regions: look the overlapped one up again.
            if (Strictness(kind) > Strictness(existing.Kind) && !Replace(FindOverlap(overlapStart, overlapEnd), overlapStart, overlapEnd, kind))
                return false;
            cursor = overlapEnd;
        }
        return true;
    }

    private static int Strictness(MemoryKind kind) => kind == MemoryKind.Usable ? 0 : 1 + (int)kind;

    // The first region (lowest address) intersecting [start, end).
    private int FindOverlap(ulong start, ulong end)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_regions[i].Base < end && _regions[i].End > start)
                return i;
        }
        return -1;
    }

    // Re-labels [start, end) inside region index with a stricter kind, splitting it.
    private bool Replace(int index, ulong start, ulong end, MemoryKind kind)
    {
        MemoryRegion old = _regions[index];
        int pieces = (old.Base < start ? 1 : 0) + (end < old.End ? 1 : 0);
        if (_count + pieces > Capacity)
        {
            Rejected++;
            return false;
        }
        RemoveAt(index);
        if (old.Base < start)
            InsertSorted(new MemoryRegion(old.Base, start - old.Base, old.Kind));
        InsertSorted(new MemoryRegion(start, end - start, kind));
        if (end < old.End)
            InsertSorted(new MemoryRegion(end, old.End - end, old.Kind));
        MergeNeighbours();
        return true;
    }

    private bool Insert(ulong start, ulong end, MemoryKind kind)
    {
        if (_count == Capacity)
        {
            Rejected++;
            return false;
        }
        InsertSorted(new MemoryRegion(start, end - start, kind));
        MergeNeighbours();
        return true;
    }

    private void InsertSorted(MemoryRegion region)
    {
        int position = _count;
        while (position > 0 && _regions[position - 1].Base > region.Base)
        {
            _regions[position] = _regions[position - 1];
            position--;
        }
        _regions[position] = region;
        _count++;
    }

    private void RemoveAt(int index)
    {
        for (int i = index; i < _count - 1; i++)
            _regions[i] = _regions[i + 1];
        _count--;
    }

    private void MergeNeighbours()
    {
        int i = 0;
        while (i < _count - 1)
        {
            MemoryRegion left = _regions[i], right = _regions[i + 1];
            if (left.End == right.Base && left.Kind == right.Kind)
            {
                _regions[i] = new MemoryRegion(left.Base, left.Length + right.Length, left.Kind);
                RemoveAt(i + 1);
            }
            else
            {
                i++;
            }
        }
    }
}
