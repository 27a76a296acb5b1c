using System.Collections.Generic;
using System.Linq;
using Redoubt.Kernel.Paging;
using Xunit;

namespace Redoubt.Kernel.Tests.Paging;

// A Map, Unmap, Protect, Split or TryMerge that fails writes nothing, allocates nothing and frees
// nothing: the tables are entry for entry what they were.
public class FailedOperationTests
{
    private const ulong Page = 4096, Large = 2UL << 20, Huge = 1UL << 30;
    private const PageAttributes Rw = PageAttributes.Writable;

    private sealed class Fixture
    {
        public Fixture(int budget = 100_000)
        {
            Store = new TableStore(frameBudget: budget);
            Table = new PageTable<NptFormat, RecordingTableMemory>(new RecordingTableMemory(Store), Store.Allocate());
        }

        public TableStore Store { get; }
        public PageTable<NptFormat, RecordingTableMemory> Table { get; }

        // 4 KiB pages at 0x1000-0x3FFF and 0x5000, a 2 MiB leaf at 2 MiB, a 1 GiB leaf at 1 GiB,
        // 4 KiB pages at the top of the lower half.
        public Fixture Populated()
        {
            Assert.Equal(MapStatus.Success, Table.Map(0x1000, 0x1000, 3 * Page, Rw));
            Assert.Equal(MapStatus.Success, Table.Map(0x5000, 0x9000, Page, Rw));
            Assert.Equal(MapStatus.Success, Table.Map(Large, 7 * Large, Large, Rw));
            Assert.Equal(MapStatus.Success, Table.Map(Huge, 5 * Huge, Huge, Rw));
            Assert.Equal(MapStatus.Success, Table.Map(0x7FFF_FFFF_E000, 0x2000, 2 * Page, Rw));
            return this;
        }

        public Dictionary<ulong, ulong[]> Snapshot() => Store.Tables.ToDictionary(t => t.Key, t => (ulong[])t.Value.Clone());

        public void AssertUnchangedBy(System.Func<PageTable<NptFormat, RecordingTableMemory>, MapStatus> operation, MapStatus expected)
        {
            var before = Snapshot();
            var counters = (Store.Writes, Store.Allocations, Store.Freed);
            Assert.Equal(expected, operation(Table));
            Assert.Equal(counters, (Store.Writes, Store.Allocations, Store.Freed));
            var after = Snapshot();
            Assert.Equal(before.Keys.OrderBy(k => k), after.Keys.OrderBy(k => k));
            foreach (var (table, entries) in before)
                Assert.Equal(entries, after[table]);
        }
    }

    [Theory]
    [InlineData(0x3000UL, 0x30000UL, 2 * Page)]                 // runs into a 4 KiB page
    [InlineData(0x5000UL, 0x30000UL, Page)]                     // exactly a mapped page
    [InlineData(0x10_0000UL, 0x30000UL, Large)]                 // runs into the 2 MiB leaf
    [InlineData(Large + Large / 2, 0x30000UL, Page)]            // inside the 2 MiB leaf
    [InlineData(Huge - Page, 0x30000UL, 2 * Page)]              // runs into the 1 GiB leaf
    [InlineData(Huge + 12345 * Page, 0x30000UL, Page)]          // inside the 1 GiB leaf
    [InlineData(0x7FFF_FFFF_0000UL, 0x30000UL, 0xF000UL)]       // reaches the pages at the top
    public void MapOverAnythingMappedFails(ulong va, ulong pa, ulong length)
    {
        var f = new Fixture().Populated();
        f.AssertUnchangedBy(t => t.Map(va, pa, length, Rw), MapStatus.AlreadyMapped);
        f.AssertUnchangedBy(t => t.Map(va, pa, length, Rw, allowLarge: false), MapStatus.AlreadyMapped);
    }

    [Theory]
    [InlineData(0x1001UL, 0x1000UL, Page, MapStatus.Misaligned)]
    [InlineData(0x1000UL, 0x1000UL, 0UL, MapStatus.Misaligned)]
    [InlineData(0xFFFF_FFFF_FFFF_F000UL, 0x1000UL, 2 * Page, MapStatus.Misaligned)]
    [InlineData(0x0000_8000_0000_0000UL, 0x1000UL, Page, MapStatus.NonCanonical)]
    [InlineData(0x0000_7FFF_FFFF_F000UL, 0x1000UL, 2 * Page, MapStatus.NonCanonical)]
    public void MalformedMapsFail(ulong va, ulong pa, ulong length, MapStatus expected)
    {
        var f = new Fixture().Populated();
        f.AssertUnchangedBy(t => t.Map(va, pa, length, Rw), expected);
    }

    [Fact]
    public void MapWithOneTableTooFewFails()
    {
        // A new 1 GiB region of 4 KiB pages at 3 GiB needs a directory and a page table.
        var f = new Fixture().Populated();
        var limited = new Fixture(budget: f.Store.Tables.Count + 1).Populated();
        Assert.Equal(2UL, limited.Table.TablesNeededToMap(3 * Huge, 0x1000, Page, allowLarge: true));
        limited.AssertUnchangedBy(t => t.Map(3 * Huge, 0x1000, Page, Rw), MapStatus.OutOfTableFrames);
        // Spanning many page tables: nothing is written even though the first few would fit.
        limited.AssertUnchangedBy(t => t.Map(0x40_0000, 0x1000, 8 * Large, Rw, allowLarge: false), MapStatus.OutOfTableFrames);
    }

    [Theory]
    [InlineData(0x0UL, Page)]                       // nothing there
    [InlineData(0x1000UL, 4 * Page)]                // the last page is missing
    [InlineData(0x4000UL, 2 * Page)]                // the first page is missing
    [InlineData(0x1000UL, 5 * Page)]                // a hole in the middle
    [InlineData(Large - Page, 2 * Page)]            // just before the 2 MiB leaf
    [InlineData(2 * Huge - Page, 2 * Page)]         // runs off the end of the 1 GiB leaf
    public void UnmapAndProtectOfUnmappedPagesFail(ulong va, ulong length)
    {
        var f = new Fixture().Populated();
        f.AssertUnchangedBy(t => t.Unmap(va, length, out _), MapStatus.NotMapped);
        f.AssertUnchangedBy(t => t.Protect(va, length, PageAttributes.ReadOnly, out _), MapStatus.NotMapped);
    }

    [Theory]
    [InlineData(0x1800UL, Page, MapStatus.Misaligned)]
    [InlineData(0x1000UL, 0UL, MapStatus.Misaligned)]
    [InlineData(0x1000UL, 0x800UL, MapStatus.Misaligned)]
    [InlineData(0xFFFF_FFFF_FFFF_F000UL, 2 * Page, MapStatus.Misaligned)]
    [InlineData(0x7FFF_FFFF_F000UL, 2 * Page, MapStatus.NonCanonical)]
    public void MalformedUnmapsAndProtectsFail(ulong va, ulong length, MapStatus expected)
    {
        var f = new Fixture().Populated();
        f.AssertUnchangedBy(t => t.Unmap(va, length, out _), expected);
        f.AssertUnchangedBy(t => t.Protect(va, length, PageAttributes.ReadOnly, out _), expected);
    }

    [Fact]
    public void UnmapAndProtectThatWouldSplitWithoutTablesFail()
    {
        var probe = new Fixture().Populated();
        var f = new Fixture(budget: probe.Store.Tables.Count).Populated();
        Assert.Equal(0UL, f.Store.Available);
        f.AssertUnchangedBy(t => t.Unmap(Huge + Page, Page, out _), MapStatus.OutOfTableFrames);
        f.AssertUnchangedBy(t => t.Unmap(Large + Page, Page, out _), MapStatus.OutOfTableFrames);
        f.AssertUnchangedBy(t => t.Protect(Huge, Large, PageAttributes.ReadOnly, out _), MapStatus.OutOfTableFrames);
        // A range whose first part needs no split fails as a whole too.
        f.AssertUnchangedBy(t => t.Unmap(Huge - Page, Page, out _), MapStatus.NotMapped);
        f.AssertUnchangedBy(t => t.Protect(Large, Large + Page, PageAttributes.ReadOnly, out _), MapStatus.NotMapped);
        f.AssertUnchangedBy(t => t.Split(Huge, out _), MapStatus.OutOfTableFrames);
    }

    [Fact]
    public void SplitOfNothingFails()
    {
        var f = new Fixture().Populated();
        f.AssertUnchangedBy(t => t.Split(0x4000, out _), MapStatus.NotMapped);
        f.AssertUnchangedBy(t => t.Split(3 * Huge, out _), MapStatus.NotMapped);
    }

    [Fact]
    public void FailedMergesChangeNothing()
    {
        var f = new Fixture().Populated();
        f.AssertUnchangedBy(t => t.TryMerge(0x1000, 2, out _) ? MapStatus.Success : MapStatus.NotMapped, MapStatus.NotMapped);
        f.AssertUnchangedBy(t => t.TryMerge(Large, 2, out _) ? MapStatus.Success : MapStatus.NotMapped, MapStatus.NotMapped);
        f.AssertUnchangedBy(t => t.TryMerge(Huge, 3, out _) ? MapStatus.Success : MapStatus.NotMapped, MapStatus.NotMapped);
        f.AssertUnchangedBy(t => t.TryMerge(Huge, 2, out _) ? MapStatus.Success : MapStatus.NotMapped, MapStatus.NotMapped);
    }

    [Fact]
    public void FreeAllFreesEveryTable()
    {
        var f = new Fixture().Populated();
        f.Table.Split(Huge, out _);
        f.Table.Unmap(Huge + Page, Page, out _);
        f.Table.Unmap(0x1000, 3 * Page, out _);            // leaves an empty page table behind
        f.Table.Map(0xFFFF_8000_0000_0000, 0x1000, Page, Rw);
        ulong tables = f.Table.CountTables();
        Assert.Equal((ulong)f.Store.Tables.Count, tables);
        int freed = f.Store.Freed;
        f.Table.FreeAll();
        Assert.Empty(f.Store.Tables);
        Assert.Equal(tables, (ulong)(f.Store.Freed - freed));
    }
}
