using System;

namespace Redoubt.Kernel.Paging;

// One 4-level page table in the hardware's format (TFormat: x86-64 host tables, AMD NPT, Intel
// EPT), with its table frames from TMemory. Every changing operation validates first and then
// performs; the perform step cannot fail (table frames needed are counted beforehand), so a
// failed call changes nothing. Leaves carry the rights; intermediate entries allow everything.
// Invariants: a present entry is never overwritten by Map; every present non-leaf entry points
// to a table frame from TMemory; each operation reports the TLB flush it requires.
public struct PageTable<TFormat, TMemory>
    where TFormat : struct, IPageTableFormat
    where TMemory : struct, IPageTableMemory
{
    private const ulong PageSize = PageTableEntry.PageSize;
    private TMemory _memory;

    public PageTable(TMemory memory, ulong root)
    {
        _memory = memory;
        Root = root;
    }

    public ulong Root { get; }

    public TMemory Memory => _memory;

    private static ulong SpanOf(int level) => PageTableEntry.SpanOfEntry(level);

    private static bool IsCanonical(ulong address) => address < 0x0000_8000_0000_0000 || address >= 0xFFFF_8000_0000_0000;

    // Whole pages, no wrap, canonical at both ends.
    public static MapStatus CheckRange(ulong virtualAddress, ulong physicalAddress, ulong length)
    {
        if (((virtualAddress | physicalAddress | length) & (PageSize - 1)) != 0 || length == 0
            || virtualAddress + length < virtualAddress || physicalAddress + length < physicalAddress)
            return MapStatus.Misaligned;
        if (!IsCanonical(virtualAddress) || !IsCanonical(virtualAddress + length - 1)
            || (virtualAddress < 0x0000_8000_0000_0000) != (virtualAddress + length - 1 < 0x0000_8000_0000_0000))
            return MapStatus.NonCanonical;
        return MapStatus.Success;
    }

    // ---- Lookup ------------------------------------------------------------------------------

    // The leaf mapping an address: its entry, level, and the table slot holding it.
    private bool FindLeaf(ulong virtualAddress, out ulong table, out int index, out int level, out ulong entry)
    {
        table = Root;
        for (level = 4; level >= 1; level--)
        {
            index = PageTableEntry.Index(virtualAddress, level);
            entry = _memory.ReadEntry(table, index);
            if (!TFormat.IsPresent(entry))
                return false;
            if (level <= TFormat.MaxLeafLevel && TFormat.IsLeaf(entry, level))
                return true;
            table = TFormat.Address(entry);
        }
        index = 0;
        entry = 0;
        return false;
    }

    // Physical address and rights of a mapped virtual address.
    public bool Translate(ulong virtualAddress, out ulong physicalAddress, out PageAttributes attributes)
    {
        if (!FindLeaf(virtualAddress, out _, out _, out int level, out ulong entry))
        {
            physicalAddress = 0;
            attributes = PageAttributes.ReadOnly;
            return false;
        }
        ulong span = SpanOf(level);
        physicalAddress = (TFormat.Address(entry) & ~(span - 1)) + (virtualAddress & (span - 1));
        attributes = TFormat.Attributes(entry);
        return true;
    }

    // The leaf entry and its level (1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB), or 0 when unmapped.
    public ulong Lookup(ulong virtualAddress, out int level)
    {
        if (FindLeaf(virtualAddress, out _, out _, out level, out ulong entry))
            return entry;
        level = 0;
        return 0;
    }

    public bool IsRangeUnmapped(ulong virtualAddress, ulong length)
    {
        ulong end = virtualAddress + length;
        for (ulong address = virtualAddress; address < end;)
        {
            if (FindLeaf(address, out _, out _, out int level, out _))
                return false;
            // Skip the whole region the missing entry would have covered.
            ulong span = SpanOf(Math.Max(level, 1));
            ulong next = (address & ~(span - 1)) + span;
            if (next <= address)
                break;
            address = next;
        }
        return true;
    }

    public bool IsRangeMapped(ulong virtualAddress, ulong length)
    {
        ulong end = virtualAddress + length;
        for (ulong address = virtualAddress; address < end;)
        {
            if (!FindLeaf(address, out _, out _, out int level, out _))
                return false;
            ulong span = SpanOf(level);
            ulong next = (address & ~(span - 1)) + span;
            if (next <= address)
                break;
            address = next;
        }
        return true;
    }

    // ---- Map ---------------------------------------------------------------------------------

    // The leaf level Map uses at an address: the largest page both addresses are aligned to, the
    // rest of the range covers, and whose entry holds no table (an unmapped range may still have
    // empty tables, which a leaf must not overwrite: the table would leak and its entry, present,
    // may sit in the paging-structure caches).
    private int ChooseLeafLevel(ulong virtualAddress, ulong physicalAddress, ulong remaining, bool allowLarge)
    {
        if (allowLarge)
        {
            for (int level = TFormat.MaxLeafLevel; level > 1; level--)
            {
                ulong span = SpanOf(level);
                if (((virtualAddress | physicalAddress) & (span - 1)) == 0 && remaining >= span && !TableExists(virtualAddress, level - 1))
                    return level;
            }
        }
        return 1;
    }

    // Table frames Map would allocate for this range.
    public ulong TablesNeededToMap(ulong virtualAddress, ulong physicalAddress, ulong length, bool allowLarge)
    {
        ulong needed = 0;
        ulong end = virtualAddress + length;
        // A table at tableLevel (holding entries of that level) covers SpanOf(tableLevel + 1).
        for (int tableLevel = 3; tableLevel >= 1; tableLevel--)
        {
            ulong regionSize = SpanOf(tableLevel + 1);
            for (ulong region = virtualAddress & ~(regionSize - 1); region < end; region += regionSize)
            {
                if (CoveredByLargerLeaf(region, tableLevel, virtualAddress, physicalAddress, end, allowLarge))
                    continue;
                if (!TableExists(region, tableLevel))
                    needed++;
                if (region + regionSize < region)
                    break;
            }
        }
        return needed;
    }

    // True when Map places a leaf of a level above tableLevel over this region, so no table of
    // tableLevel is needed there (the same conditions as ChooseLeafLevel).
    private bool CoveredByLargerLeaf(ulong region, int tableLevel, ulong virtualAddress, ulong physicalAddress, ulong end, bool allowLarge)
    {
        if (!allowLarge)
            return false;
        ulong delta = physicalAddress - virtualAddress;
        for (int level = tableLevel + 1; level <= TFormat.MaxLeafLevel; level++)
        {
            ulong span = SpanOf(level);
            ulong leafStart = region & ~(span - 1);
            if (leafStart >= virtualAddress && leafStart + span <= end && (delta & (span - 1)) == 0 && !TableExists(leafStart, level - 1))
                return true;
        }
        return false;
    }

    private bool TableExists(ulong virtualAddress, int tableLevel)
    {
        ulong table = Root;
        for (int level = 4; level > tableLevel; level--)
        {
            ulong entry = _memory.ReadEntry(table, PageTableEntry.Index(virtualAddress, level));
            if (!TFormat.IsPresent(entry) || (level <= TFormat.MaxLeafLevel && TFormat.IsLeaf(entry, level)))
                return false;
            table = TFormat.Address(entry);
        }
        return true;
    }

    // Maps [virtualAddress, +length) to [physicalAddress, +length). Fails, changing nothing,
    // when any part is mapped already or table frames would run out.
    public MapStatus Map(ulong virtualAddress, ulong physicalAddress, ulong length, PageAttributes attributes, bool allowLarge = true)
    {
        MapStatus status = CheckRange(virtualAddress, physicalAddress, length);
        if (status != MapStatus.Success)
            return status;
        if (!IsRangeUnmapped(virtualAddress, length))
            return MapStatus.AlreadyMapped;
        if (TablesNeededToMap(virtualAddress, physicalAddress, length, allowLarge) > _memory.TablesAvailable)
            return MapStatus.OutOfTableFrames;
        for (ulong offset = 0; offset < length;)
        {
            ulong va = virtualAddress + offset, pa = physicalAddress + offset;
            int level = ChooseLeafLevel(va, pa, length - offset, allowLarge);
            WriteLeaf(va, TFormat.MakeLeaf(pa, attributes, level), level);
            offset += SpanOf(level);
        }
        return MapStatus.Success;
    }

    // Perform step of Map: creates missing tables (counted and available) and writes the leaf.
    private void WriteLeaf(ulong virtualAddress, ulong leaf, int leafLevel)
    {
        ulong table = Root;
        for (int level = 4; level > leafLevel; level--)
        {
            int index = PageTableEntry.Index(virtualAddress, level);
            ulong entry = _memory.ReadEntry(table, index);
            if (!TFormat.IsPresent(entry))
            {
                // A fresh table is fully zero before it becomes reachable.
                entry = TFormat.MakeTable(_memory.AllocateTable());
                _memory.WriteEntry(table, index, entry);
            }
            table = TFormat.Address(entry);
        }
        _memory.WriteEntry(table, PageTableEntry.Index(virtualAddress, leafLevel), leaf);
    }

    // Identity-maps [start, end) except the holes (any order, may overlap), rounding start up and
    // end down to whole pages. Used for the kernel's own address space at boot.
    public MapStatus MapIdentityExcept(ulong start, ulong end, PageAttributes attributes, ReadOnlySpan<AddressRange> holes)
    {
        const ulong PageMask = PageSize - 1;
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

    // ---- Split, unmap, protect ----------------------------------------------------------------

    // Table frames needed to split the large leaves that the range covers only in part.
    public ulong TablesNeededToSplit(ulong virtualAddress, ulong length)
    {
        ulong end = virtualAddress + length;
        ulong counted0 = ulong.MaxValue, counted1 = ulong.MaxValue;
        ulong needed = CountSplits(virtualAddress, virtualAddress, ref counted0, ref counted1);
        return needed + CountSplits(end - 1, end, ref counted0, ref counted1);
    }

    // Splits needed so that 'boundary' falls on a leaf edge, for the leaf holding 'address';
    // remembers what it counted (by leaf base | level) so the two ends are not counted twice.
    private ulong CountSplits(ulong address, ulong boundary, ref ulong counted0, ref ulong counted1)
    {
        if (!FindLeaf(address, out _, out _, out int level, out _))
            return 0;
        ulong needed = 0;
        for (; level > 1; level--)
        {
            ulong span = SpanOf(level);
            if ((boundary & (span - 1)) == 0)
                break;
            ulong key = (address & ~(span - 1)) | (uint)level;
            if (key == counted0 || key == counted1)
                continue;
            if (counted0 == ulong.MaxValue)
                counted0 = key;
            else
                counted1 = key;
            needed++;
        }
        return needed;
    }

    // Table frames SplitToSmallest needs for the range: one last-level table under every 2 MiB
    // region of it now covered by a large leaf, and one more table under each 1 GiB leaf.
    public ulong TablesNeededToSplitToSmallest(ulong virtualAddress, ulong length)
    {
        ulong needed = 0, countedGiB = ulong.MaxValue, region2M = SpanOf(2), region1G = SpanOf(3);
        ulong end = virtualAddress + length;
        for (ulong region = virtualAddress & ~(region2M - 1); region < end && region >= (virtualAddress & ~(region2M - 1)); region += region2M)
        {
            if (!FindLeaf(region, out _, out _, out int level, out _) || level == 1)
                continue;
            if (level == 3 && (region & ~(region1G - 1)) != countedGiB)
            {
                countedGiB = region & ~(region1G - 1);
                needed++;
            }
            needed++;
        }
        return needed;
    }

    // Splits every large leaf the range touches down to 4 KiB leaves with the same translation
    // and rights, so that from then on every page of the range has a last-level table above it.
    // The caller has checked TablesNeededToSplitToSmallest against the tables available.
    // Requires a flush when anything was split.
    public void SplitToSmallest(ulong virtualAddress, ulong length, out TlbFlush flush)
    {
        flush = TlbFlush.None;
        ulong region2M = SpanOf(2), end = virtualAddress + length;
        for (ulong region = virtualAddress & ~(region2M - 1); region < end && region >= (virtualAddress & ~(region2M - 1)); region += region2M)
        {
            while (FindLeaf(region, out _, out _, out int level, out _) && level > 1)
            {
                SplitLeaf(region);
                flush = TlbFlush.Required;
            }
        }
    }

    // Replaces the large leaf holding an address by a table of 512 leaves one level down with
    // the same translation and rights. Requires a flush (page sizes change).
    public MapStatus Split(ulong virtualAddress, out TlbFlush flush)
    {
        flush = TlbFlush.None;
        if (!FindLeaf(virtualAddress, out _, out _, out int level, out _))
            return MapStatus.NotMapped;
        if (level == 1)
            return MapStatus.Success;
        if (_memory.TablesAvailable == 0)
            return MapStatus.OutOfTableFrames;
        SplitLeaf(virtualAddress);
        flush = TlbFlush.Required;
        return MapStatus.Success;
    }

    private void SplitLeaf(ulong virtualAddress)
    {
        FindLeaf(virtualAddress, out ulong table, out int index, out int level, out ulong entry);
        ulong span = SpanOf(level), childSpan = SpanOf(level - 1);
        ulong physicalBase = TFormat.Address(entry) & ~(span - 1);
        PageAttributes attributes = TFormat.Attributes(entry);
        ulong child = _memory.AllocateTable();
        for (int i = 0; i < PageTableEntry.EntriesPerTable; i++)
            _memory.WriteEntry(child, i, TFormat.MakeLeaf(physicalBase + (ulong)i * childSpan, attributes, level - 1));
        _memory.WriteEntry(table, index, TFormat.MakeTable(child));
    }

    // Removes every mapping in the range; all of it must be mapped. Large leaves covered in
    // part are split first. Tables emptied stay allocated until FreeAll.
    public MapStatus Unmap(ulong virtualAddress, ulong length, out TlbFlush flush)
    {
        return Rewrite(virtualAddress, length, remove: true, PageAttributes.ReadOnly, out flush);
    }

    // Changes the rights of every mapping in the range; all of it must be mapped.
    public MapStatus Protect(ulong virtualAddress, ulong length, PageAttributes attributes, out TlbFlush flush)
    {
        return Rewrite(virtualAddress, length, remove: false, attributes, out flush);
    }

    private MapStatus Rewrite(ulong virtualAddress, ulong length, bool remove, PageAttributes attributes, out TlbFlush flush)
    {
        flush = TlbFlush.None;
        MapStatus status = CheckRange(virtualAddress, 0, length);
        if (status != MapStatus.Success)
            return status;
        if (!IsRangeMapped(virtualAddress, length))
            return MapStatus.NotMapped;
        if (TablesNeededToSplit(virtualAddress, length) > _memory.TablesAvailable)
            return MapStatus.OutOfTableFrames;
        ulong end = virtualAddress + length;
        for (ulong address = virtualAddress; address < end;)
        {
            FindLeaf(address, out ulong table, out int index, out int level, out ulong entry);
            ulong span = SpanOf(level);
            if ((address & (span - 1)) != 0 || address + span > end)
            {
                SplitLeaf(address);
                flush = TlbFlush.Required;
                continue;
            }
            ulong replacement = remove ? 0 : TFormat.MakeLeaf(TFormat.Address(entry) & ~(span - 1), attributes, level);
            if (replacement != entry)
            {
                _memory.WriteEntry(table, index, replacement);
                flush = TlbFlush.Required;
            }
            address += span;
        }
        return MapStatus.Success;
    }

    // Folds the table below the entry at 'level' holding an address into one leaf when its 512
    // entries are leaves with the same rights mapping one aligned, contiguous physical range.
    // Frees the table. Returns false (changing nothing) otherwise.
    public bool TryMerge(ulong virtualAddress, int level, out TlbFlush flush)
    {
        flush = TlbFlush.None;
        if (level < 2 || level > TFormat.MaxLeafLevel)
            return false;
        ulong table = Root;
        for (int walk = 4; walk > level; walk--)
        {
            ulong parent = _memory.ReadEntry(table, PageTableEntry.Index(virtualAddress, walk));
            if (!TFormat.IsPresent(parent) || (walk <= TFormat.MaxLeafLevel && TFormat.IsLeaf(parent, walk)))
                return false;
            table = TFormat.Address(parent);
        }
        int index = PageTableEntry.Index(virtualAddress, level);
        ulong entry = _memory.ReadEntry(table, index);
        if (!TFormat.IsPresent(entry) || TFormat.IsLeaf(entry, level))
            return false;
        ulong child = TFormat.Address(entry);
        ulong first = _memory.ReadEntry(child, 0);
        if (!TFormat.IsPresent(first) || !TFormat.IsLeaf(first, level - 1))
            return false;
        ulong physicalBase = TFormat.Address(first) & ~(SpanOf(level - 1) - 1);
        PageAttributes attributes = TFormat.Attributes(first);
        if ((physicalBase & (SpanOf(level) - 1)) != 0)
            return false;
        for (int i = 0; i < PageTableEntry.EntriesPerTable; i++)
        {
            ulong expected = TFormat.MakeLeaf(physicalBase + (ulong)i * SpanOf(level - 1), attributes, level - 1);
            if (_memory.ReadEntry(child, i) != expected)
                return false;
        }
        _memory.WriteEntry(table, index, TFormat.MakeLeaf(physicalBase, attributes, level));
        _memory.FreeTable(child);
        flush = TlbFlush.Required;
        return true;
    }

    // ---- Whole-table walks --------------------------------------------------------------------

    public void VisitLeaves<TVisitor>(ref TVisitor visitor) where TVisitor : struct, ILeafVisitor
    {
        VisitLeaves(ref visitor, Root, 4, 0);
    }

    private void VisitLeaves<TVisitor>(ref TVisitor visitor, ulong table, int level, ulong baseAddress) where TVisitor : struct, ILeafVisitor
    {
        for (int index = 0; index < PageTableEntry.EntriesPerTable; index++)
        {
            ulong entry = _memory.ReadEntry(table, index);
            if (!TFormat.IsPresent(entry))
                continue;
            ulong address = baseAddress + (ulong)index * SpanOf(level);
            if (level == 4 && index >= 256)
                address |= 0xFFFF_0000_0000_0000;
            if (level <= TFormat.MaxLeafLevel && TFormat.IsLeaf(entry, level))
                visitor.Visit(address, TFormat.Address(entry) & ~(SpanOf(level) - 1), SpanOf(level), TFormat.Attributes(entry));
            else
                VisitLeaves(ref visitor, TFormat.Address(entry), level - 1, address);
        }
    }

    // Number of table frames in use, root included.
    public ulong CountTables() => CountTables(Root, 4);

    private ulong CountTables(ulong table, int level)
    {
        ulong count = 1;
        if (level == 1)
            return count;
        for (int index = 0; index < PageTableEntry.EntriesPerTable; index++)
        {
            ulong entry = _memory.ReadEntry(table, index);
            if (TFormat.IsPresent(entry) && !(level <= TFormat.MaxLeafLevel && TFormat.IsLeaf(entry, level)))
                count += CountTables(TFormat.Address(entry), level - 1);
        }
        return count;
    }

    // Returns every table frame, root included, to TMemory. The table must not be in use.
    public void FreeAll() => FreeTables(Root, 4);

    private void FreeTables(ulong table, int level)
    {
        if (level > 1)
        {
            for (int index = 0; index < PageTableEntry.EntriesPerTable; index++)
            {
                ulong entry = _memory.ReadEntry(table, index);
                if (TFormat.IsPresent(entry) && !(level <= TFormat.MaxLeafLevel && TFormat.IsLeaf(entry, level)))
                    FreeTables(TFormat.Address(entry), level - 1);
            }
        }
        _memory.FreeTable(table);
    }
}
