using System;

namespace Redoubt.Kernel.Paging;

// Builds x86-64 4-level page tables. Leaves carry the rights (W, NX); intermediate entries are
// present + writable + executable so the leaf alone decides. Uses 2 MiB pages where both
// addresses are 2 MiB aligned and the range covers the whole page, 4 KiB pages elsewhere.
// Invariant: Map never replaces a present entry; on failure the entries written so far stay
// (the caller treats any failure during kernel start-up as fatal).
public struct PageTableBuilder<TMemory> where TMemory : struct, IPageTableMemory
{
    private TMemory _memory;

    public PageTableBuilder(TMemory memory, ulong root)
    {
        _memory = memory;
        Root = root;
    }

    public ulong Root { get; }

    public static bool IsCanonical(ulong address) => address < 0x0000_8000_0000_0000 || address >= 0xFFFF_8000_0000_0000;

    public MapStatus Map(ulong virtualAddress, ulong physicalAddress, ulong length, PageAttributes attributes)
    {
        const ulong PageMask = PageTableEntry.PageSize - 1;
        if (((virtualAddress | physicalAddress | length) & PageMask) != 0 || virtualAddress + length < virtualAddress)
            return MapStatus.Misaligned;
        if (!IsCanonical(virtualAddress) || (length != 0 && !IsCanonical(virtualAddress + length - 1)))
            return MapStatus.NonCanonical;
        ulong leafBits = LeafBits(attributes);
        ulong offset = 0;
        while (offset < length)
        {
            ulong va = virtualAddress + offset, pa = physicalAddress + offset, rest = length - offset;
            bool large = ((va | pa) & (PageTableEntry.LargePageSize - 1)) == 0 && rest >= PageTableEntry.LargePageSize;
            MapStatus status = large ? MapLeaf(va, pa, 2, leafBits | PageTableEntry.LargePage) : MapStatus.AlreadyMapped;
            if (status == MapStatus.Success)
            {
                offset += PageTableEntry.LargePageSize;
                continue;
            }
            if (status == MapStatus.OutOfTableFrames)
                return status;
            status = MapLeaf(va, pa, 1, leafBits);
            if (status != MapStatus.Success)
                return status;
            offset += PageTableEntry.PageSize;
        }
        return MapStatus.Success;
    }

    // Identity-maps [start, end) except the holes (any order, may overlap), rounding start up and
    // end down to whole pages.
    public MapStatus MapIdentityExcept(ulong start, ulong end, PageAttributes attributes, ReadOnlySpan<AddressRange> holes)
    {
        const ulong PageMask = PageTableEntry.PageSize - 1;
        ulong cursor = (start + PageMask) & ~PageMask;
        end &= ~PageMask;
        while (cursor < end)
        {
            // The lowest hole that intersects what is left.
            ulong holeStart = end, holeEnd = end;
            foreach (AddressRange hole in holes)
            {
                if (hole.Intersects(cursor, end) && hole.Start < holeStart)
                {
                    holeStart = hole.Start;
                    holeEnd = hole.End;
                }
            }
            holeStart = holeStart < cursor ? cursor : holeStart & ~PageMask;
            if (holeStart > cursor)
            {
                MapStatus status = Map(cursor, cursor, holeStart - cursor, attributes);
                if (status != MapStatus.Success)
                    return status;
            }
            cursor = (holeEnd + PageMask) & ~PageMask;
        }
        return MapStatus.Success;
    }

    public static ulong LeafBits(PageAttributes attributes)
    {
        ulong bits = PageTableEntry.Present;
        if ((attributes & PageAttributes.Writable) != 0)
            bits |= PageTableEntry.Writable;
        if ((attributes & PageAttributes.Executable) == 0)
            bits |= PageTableEntry.NoExecute;
        if ((attributes & PageAttributes.Uncached) != 0)
            bits |= PageTableEntry.CacheDisable | PageTableEntry.WriteThrough;
        return bits;
    }

    // The leaf entry for a virtual address and the level it sits at, or 0 when unmapped.
    public ulong Lookup(ulong virtualAddress, out int level)
    {
        ulong table = Root;
        for (level = 4; level >= 1; level--)
        {
            ulong entry = _memory.ReadEntry(table, PageTableEntry.Index(virtualAddress, level));
            if (!PageTableEntry.IsPresent(entry))
                return 0;
            if (level == 1 || (level <= 3 && (entry & PageTableEntry.LargePage) != 0))
                return entry;
            table = PageTableEntry.Address(entry);
        }
        return 0;
    }

    private MapStatus MapLeaf(ulong va, ulong pa, int leafLevel, ulong bits)
    {
        ulong table = Root;
        for (int level = 4; level > leafLevel; level--)
        {
            int index = PageTableEntry.Index(va, level);
            ulong entry = _memory.ReadEntry(table, index);
            if (!PageTableEntry.IsPresent(entry))
            {
                ulong next = _memory.AllocateTable();
                if (next == 0)
                    return MapStatus.OutOfTableFrames;
                entry = next | PageTableEntry.Present | PageTableEntry.Writable;
                _memory.WriteEntry(table, index, entry);
            }
            else if ((entry & PageTableEntry.LargePage) != 0)
            {
                return MapStatus.AlreadyMapped;
            }
            table = PageTableEntry.Address(entry);
        }
        int leafIndex = PageTableEntry.Index(va, leafLevel);
        ulong existing = _memory.ReadEntry(table, leafIndex);
        // Present also covers a table of 4 KiB pages where a 2 MiB leaf was asked for.
        if (PageTableEntry.IsPresent(existing))
            return MapStatus.AlreadyMapped;
        _memory.WriteEntry(table, leafIndex, pa | bits);
        return MapStatus.Success;
    }
}
