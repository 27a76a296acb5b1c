using System.Collections.Generic;
using Redoubt.Kernel.Paging;
using Xunit;

namespace Redoubt.Kernel.Tests.Paging;

// Unmap, Protect, Split and TryMerge on large leaves (2 MiB, and 1 GiB where the format has
// them), run for each format by the subclasses. Every test covers every large level of TFormat.
// Each leaf under test sits between two neighbours of the same size that must never change.
public abstract class LargeLeafTests<TFormat> where TFormat : struct, IPageTableFormat
{
    protected const ulong Page = PageTableEntry.PageSize;
    protected const PageAttributes Rw = PageAttributes.Writable;

    protected static IEnumerable<int> LargeLevels
    {
        get
        {
            for (int level = 2; level <= TFormat.MaxLeafLevel; level++)
                yield return level;
        }
    }

    protected static ulong SpanOf(int level) => PageTableEntry.SpanOfEntry(level);

    protected sealed class Fixture
    {
        public Fixture(int level, int budget = 1_000_000)
        {
            Level = level;
            Store = new TableStore(frameBudget: budget);
            Table = new PageTable<TFormat, RecordingTableMemory>(new RecordingTableMemory(Store), Store.Allocate());
            Span = SpanOf(level);
            Va = 4 * Span;
            Pa = 9 * Span;
        }

        public int Level { get; }
        public TableStore Store { get; }
        public PageTable<TFormat, RecordingTableMemory> Table { get; }
        public ulong Span { get; }
        // The leaf under test: [Va, Va + Span) -> [Pa, Pa + Span).
        public ulong Va { get; }
        public ulong Pa { get; }

        // Three adjacent leaves of the level; the middle one is the one under test.
        public Fixture WithLeaves(PageAttributes rights = Rw)
        {
            Assert.Equal(MapStatus.Success, Table.Map(Va - Span, Pa - Span, 3 * Span, rights));
            for (ulong va = Va - Span; va < Va + 2 * Span; va += Span)
            {
                Table.Lookup(va, out int level);
                Assert.Equal(Level, level);
            }
            return this;
        }

        public (int Writes, int Allocations, int Freed, int Tables) Counters => (Store.Writes, Store.Allocations, Store.Freed, Store.Tables.Count);

        public void AssertMaps(ulong va, PageAttributes rights)
        {
            Assert.True(Table.Translate(va, out ulong pa, out PageAttributes actual), $"{va:x} is not mapped (level {Level})");
            Assert.Equal(va - Va + Pa, pa);
            Assert.Equal(rights, actual);
        }

        // The neighbours and the untouched parts of the leaf still map as before.
        public void AssertNeighboursIntact(PageAttributes rights = Rw)
        {
            foreach (ulong va in new[] { Va - Span, Va - Page, Va + Span, Va + 2 * Span - Page })
                AssertMaps(va, rights);
            Table.Lookup(Va - Span, out int before);
            Table.Lookup(Va + Span, out int after);
            Assert.Equal(Level, before);
            Assert.Equal(Level, after);
        }
    }

    [Fact]
    public void AnAlignedRangeOfOneSpanIsOneLeaf()
    {
        foreach (int level in LargeLevels)
        {
            var f = new Fixture(level);
            Assert.Equal(MapStatus.Success, f.Table.Map(f.Va, f.Pa, f.Span, Rw));
            f.Table.Lookup(f.Va + f.Span - Page, out int actual);
            Assert.Equal(level, actual);
            // Root, then one table per level above the leaf's.
            Assert.Equal(1 + (4 - level), f.Store.Allocations);
            f.AssertMaps(f.Va + f.Span / 2 + 0x123, Rw);
        }
    }

    // Unmap leaves emptied tables in place. A later Map of a large-page-sized range there must
    // use them, not overwrite their entry with a leaf (that would leak the table and change a
    // present entry without a flush).
    [Fact]
    public void MapKeepsTablesThatUnmapEmptied()
    {
        foreach (int level in LargeLevels)
        {
            var f = new Fixture(level);
            Assert.Equal(MapStatus.Success, f.Table.Map(f.Va + 5 * Page, 0x7000, Page, Rw));
            Assert.Equal(MapStatus.Success, f.Table.Unmap(f.Va + 5 * Page, Page, out _));
            f.Store.BeforeWrite = (table, index, old, _) => Assert.True(old == 0, $"Map overwrote entry {old:x} at {table:x}[{index}]");
            ulong needed = f.Table.TablesNeededToMap(f.Va, f.Pa, f.Span, allowLarge: true);
            int allocations = f.Store.Allocations;

            Assert.Equal(MapStatus.Success, f.Table.Map(f.Va, f.Pa, f.Span, Rw));

            Assert.Equal(needed, (ulong)(f.Store.Allocations - allocations));
            Assert.Equal((ulong)f.Store.Tables.Count, f.Table.CountTables());
            f.AssertMaps(f.Va + 5 * Page, Rw);
            f.AssertMaps(f.Va + f.Span - Page, Rw);
            // Folding the leaves back into a large one is TryMerge's job, and it can.
            f.Store.BeforeWrite = null;
            ulong child = SpanOf(level - 1);
            for (ulong va = f.Va; va < f.Va + f.Span && level > 2; va += child)
                f.Table.TryMerge(va, level - 1, out _);
            Assert.True(f.Table.TryMerge(f.Va, level, out _));
            f.Table.Lookup(f.Va, out int merged);
            Assert.Equal(level, merged);
            Assert.Equal((ulong)f.Store.Tables.Count, f.Table.CountTables());
        }
    }

    [Fact]
    public void UnmappingAWholeLeafClearsOneEntry()
    {
        foreach (int level in LargeLevels)
        {
            var f = new Fixture(level).WithLeaves();
            var before = f.Counters;
            Assert.Equal(MapStatus.Success, f.Table.Unmap(f.Va, f.Span, out TlbFlush flush));
            Assert.Equal(TlbFlush.Required, flush);
            Assert.Equal((before.Writes + 1, before.Allocations, before.Freed, before.Tables), f.Counters);
            Assert.True(f.Table.IsRangeUnmapped(f.Va, f.Span));
            f.AssertNeighboursIntact();
        }
    }

    [Fact]
    public void UnmappingOnePageInsideALeafSplitsItDownToThatPage()
    {
        foreach (int level in LargeLevels)
        {
            var f = new Fixture(level).WithLeaves();
            ulong page = f.Va + f.Span / 2 + 3 * Page;
            ulong needed = f.Table.TablesNeededToSplit(page, Page);
            Assert.Equal((ulong)(level - 1), needed);
            int allocations = f.Store.Allocations;

            Assert.Equal(MapStatus.Success, f.Table.Unmap(page, Page, out TlbFlush flush));

            Assert.Equal(TlbFlush.Required, flush);
            Assert.Equal(needed, (ulong)(f.Store.Allocations - allocations));
            Assert.False(f.Table.Translate(page, out _, out _));
            Assert.True(f.Table.IsRangeMapped(f.Va, page - f.Va));
            Assert.True(f.Table.IsRangeMapped(page + Page, f.Va + f.Span - page - Page));
            foreach (ulong va in new[] { f.Va, page - Page, page + Page, f.Va + f.Span - Page })
                f.AssertMaps(va, Rw);
            f.Table.Lookup(page - Page, out int small);
            Assert.Equal(1, small);
            f.Table.Lookup(f.Va, out int first);
            Assert.Equal(level - 1, first); // only the child holding the page was split further
            f.AssertNeighboursIntact();
        }
    }

    [Fact]
    public void UnmappingAcrossTwoLeavesSplitsOnlyTheEdges()
    {
        foreach (int level in LargeLevels)
        {
            var f = new Fixture(level).WithLeaves();
            ulong start = f.Va + f.Span - 2 * Page, length = 5 * Page;
            ulong needed = f.Table.TablesNeededToSplit(start, length);
            Assert.Equal((ulong)(2 * (level - 1)), needed);
            int allocations = f.Store.Allocations;
            Assert.Equal(MapStatus.Success, f.Table.Unmap(start, length, out TlbFlush flush));
            Assert.Equal(TlbFlush.Required, flush);
            Assert.Equal(needed, (ulong)(f.Store.Allocations - allocations));
            Assert.True(f.Table.IsRangeUnmapped(start, length));
            f.AssertMaps(start - Page, Rw);
            f.AssertMaps(start + length, Rw);
            f.AssertMaps(f.Va, Rw);
        }
    }

    [Fact]
    public void ProtectingPartOfALeafChangesOnlyThatPart()
    {
        foreach (int level in LargeLevels)
        {
            var f = new Fixture(level).WithLeaves();
            ulong page = f.Va + 7 * Page;
            int allocations = f.Store.Allocations;
            Assert.Equal(MapStatus.Success, f.Table.Protect(page, 2 * Page, PageAttributes.Executable, out TlbFlush flush));
            Assert.Equal(TlbFlush.Required, flush);
            Assert.Equal(level - 1, f.Store.Allocations - allocations);
            f.AssertMaps(page, PageAttributes.Executable);
            f.AssertMaps(page + Page, PageAttributes.Executable);
            f.AssertMaps(page - Page, Rw);
            f.AssertMaps(page + 2 * Page, Rw);
            f.AssertMaps(f.Va + f.Span - Page, Rw);
            f.AssertNeighboursIntact();
        }
    }

    [Fact]
    public void ProtectingAWholeLeafKeepsItWhole()
    {
        foreach (int level in LargeLevels)
        {
            var f = new Fixture(level).WithLeaves();
            var before = f.Counters;
            Assert.Equal(MapStatus.Success, f.Table.Protect(f.Va, f.Span, PageAttributes.ReadOnly, out TlbFlush flush));
            Assert.Equal(TlbFlush.Required, flush);
            Assert.Equal((before.Writes + 1, before.Allocations, before.Freed, before.Tables), f.Counters);
            f.Table.Lookup(f.Va + Page, out int actual);
            Assert.Equal(level, actual);
            f.AssertMaps(f.Va + f.Span - Page, PageAttributes.ReadOnly);
            f.AssertNeighboursIntact();

            // The same rights again: nothing to write, nothing to flush.
            before = f.Counters;
            Assert.Equal(MapStatus.Success, f.Table.Protect(f.Va, f.Span, PageAttributes.ReadOnly, out flush));
            Assert.Equal(TlbFlush.None, flush);
            Assert.Equal(before, f.Counters);
        }
    }

    [Fact]
    public void SplitReplacesALeafBy512EquivalentSmallerOnes()
    {
        foreach (int level in LargeLevels)
        {
            var f = new Fixture(level).WithLeaves(PageAttributes.Executable);
            var before = f.Counters;
            Assert.Equal(MapStatus.Success, f.Table.Split(f.Va + 123 * Page, out TlbFlush flush));
            Assert.Equal(TlbFlush.Required, flush);
            Assert.Equal((before.Writes + 513, before.Allocations + 1, before.Freed, before.Tables + 1), f.Counters);
            ulong child = SpanOf(level - 1);
            for (ulong i = 0; i < 512; i++)
            {
                ulong va = f.Va + i * child;
                f.Table.Lookup(va, out int actual);
                Assert.Equal(level - 1, actual);
                f.AssertMaps(va + child - Page, PageAttributes.Executable);
            }
            f.AssertNeighboursIntact(PageAttributes.Executable);
        }
    }

    [Fact]
    public void SplittingASmallLeafOrNothingChangesNothing()
    {
        foreach (int level in LargeLevels)
        {
            var f = new Fixture(level).WithLeaves();
            Assert.Equal(MapStatus.Success, f.Table.Map(f.Va + 2 * f.Span, 0x5000, Page, Rw));
            var before = f.Counters;
            Assert.Equal(MapStatus.Success, f.Table.Split(f.Va + 2 * f.Span, out TlbFlush flush));
            Assert.Equal(TlbFlush.None, flush);
            Assert.Equal(MapStatus.NotMapped, f.Table.Split(f.Va + 2 * f.Span + Page, out flush));
            Assert.Equal(TlbFlush.None, flush);
            Assert.Equal(before, f.Counters);
        }
    }

    [Fact]
    public void MergeUndoesASplitBitForBit()
    {
        foreach (int level in LargeLevels)
        {
            var f = new Fixture(level).WithLeaves(PageAttributes.Writable | PageAttributes.Executable);
            ulong entry = f.Table.Lookup(f.Va, out _);
            var before = f.Counters;
            Assert.Equal(MapStatus.Success, f.Table.Split(f.Va, out _));
            Assert.True(f.Table.TryMerge(f.Va + f.Span - 1, level, out TlbFlush flush));
            Assert.Equal(TlbFlush.Required, flush);
            Assert.Equal(entry, f.Table.Lookup(f.Va, out int actual));
            Assert.Equal(level, actual);
            Assert.Equal(before.Tables, f.Store.Tables.Count);
            Assert.Equal(before.Freed + 1, f.Store.Freed);
            f.AssertNeighboursIntact(PageAttributes.Writable | PageAttributes.Executable);
        }
    }

    private static void AssertNoMerge(Fixture f, ulong va, int level)
    {
        var before = f.Counters;
        Assert.False(f.Table.TryMerge(va, level, out TlbFlush flush));
        Assert.Equal(TlbFlush.None, flush);
        Assert.Equal(before, f.Counters);
    }

    [Fact]
    public void MergeRefusesChildrenThatAreNotOneLeafsWorth()
    {
        foreach (int level in LargeLevels)
        {
            ulong child = SpanOf(level - 1);

            var rights = new Fixture(level).WithLeaves();
            rights.Table.Split(rights.Va, out _);
            rights.Table.Protect(rights.Va + 5 * child, child, PageAttributes.ReadOnly, out _);
            AssertNoMerge(rights, rights.Va, level);

            var hole = new Fixture(level).WithLeaves();
            hole.Table.Split(hole.Va, out _);
            hole.Table.Unmap(hole.Va + 511 * child, child, out _);
            AssertNoMerge(hole, hole.Va, level);

            var moved = new Fixture(level).WithLeaves();
            moved.Table.Split(moved.Va, out _);
            moved.Table.Unmap(moved.Va + 7 * child, child, out _);
            Assert.Equal(MapStatus.Success, moved.Table.Map(moved.Va + 7 * child, moved.Pa + 100 * moved.Span, child, Rw));
            AssertNoMerge(moved, moved.Va, level);

            // Contiguous and uniform, but the physical run is not aligned to the larger page.
            var misaligned = new Fixture(level);
            Assert.Equal(MapStatus.Success, misaligned.Table.Map(misaligned.Va, misaligned.Pa + child, misaligned.Span, Rw));
            misaligned.Table.Lookup(misaligned.Va, out int small);
            Assert.Equal(level - 1, small);
            AssertNoMerge(misaligned, misaligned.Va, level);
        }
    }

    [Fact]
    public void MergeRefusesWhatIsNoTable()
    {
        foreach (int level in LargeLevels)
        {
            var f = new Fixture(level).WithLeaves();
            AssertNoMerge(f, f.Va, level);                       // a leaf already
            AssertNoMerge(f, f.Va, 1);                           // no level below 4 KiB
            AssertNoMerge(f, f.Va, 4);
            AssertNoMerge(f, f.Va, TFormat.MaxLeafLevel + 1);
            AssertNoMerge(f, 0x7000_0000_0000, level);           // nothing there at all
            AssertNoMerge(f, f.Va + 8 * f.Span, level);          // a table above, nothing below
        }
    }

    [Fact]
    public void FailedSplitsChangeNothing()
    {
        foreach (int level in LargeLevels)
        {
            // Exactly the tables the three leaves need: none left to split with.
            int tables = 1 + (4 - level);
            var f = new Fixture(level, budget: tables).WithLeaves();
            Assert.Equal(0UL, f.Store.Available);
            var before = f.Counters;
            Assert.Equal(MapStatus.OutOfTableFrames, f.Table.Split(f.Va, out TlbFlush flush));
            Assert.Equal(TlbFlush.None, flush);
            Assert.Equal(MapStatus.OutOfTableFrames, f.Table.Unmap(f.Va + Page, Page, out flush));
            Assert.Equal(TlbFlush.None, flush);
            Assert.Equal(MapStatus.OutOfTableFrames, f.Table.Protect(f.Va, f.Span - Page, PageAttributes.ReadOnly, out flush));
            Assert.Equal(TlbFlush.None, flush);
            Assert.Equal(before, f.Counters);
            // Whole leaves need no table.
            Assert.Equal(MapStatus.Success, f.Table.Protect(f.Va, f.Span, PageAttributes.ReadOnly, out _));
            Assert.Equal(MapStatus.Success, f.Table.Unmap(f.Va - f.Span, 2 * f.Span, out _));
        }
    }
}
