using System;
using Redoubt.Kernel.Paging;
using Xunit;

namespace Redoubt.Kernel.Tests.Paging;

// Each operation reports the flush it requires: adding mappings none (Map has nothing to report:
// it only ever writes entries that were not present); removing, restricting or resizing a
// present mapping Required; an operation that changes nothing None.
public class TlbFlushTests
{
    private const ulong Page = 4096, Large = 2UL << 20, Huge = 1UL << 30;
    private const PageAttributes Rw = PageAttributes.Writable;

    private static (PageTable<NptFormat, RecordingTableMemory> Table, TableStore Store) NewTables()
    {
        var store = new TableStore(frameBudget: 100_000);
        return (new PageTable<NptFormat, RecordingTableMemory>(new RecordingTableMemory(store), store.Allocate()), store);
    }

    [Fact]
    public void MapOnlyEverWritesEntriesThatWereNotPresent()
    {
        var (table, store) = NewTables();
        int writes = 0;
        store.BeforeWrite = (t, index, old, _) =>
        {
            writes++;
            Assert.True(old == 0, $"Map rewrote present entry {old:x} at {t:x}[{index}]");
        };
        var random = new Random(77);
        int maps = 0;
        for (int i = 0; i < 300; i++)
        {
            ulong granule = random.Next(3) switch { 0 => Page, 1 => Large, _ => Huge };
            ulong va = (ulong)random.Next(0, 64) * granule + (random.Next(4) == 0 ? (ulong)random.Next(1, 8) * Page : 0);
            ulong pa = va + (ulong)random.Next(0, 4) * granule;
            ulong length = granule == Huge ? Huge * (ulong)random.Next(1, 3) : (ulong)random.Next(1, 1024) * Page;
            if (granule == Huge && ((va | pa) & (Large - 1)) != 0)
                continue;
            if (table.Map(va, pa, length, Rw, allowLarge: random.Next(4) != 0) == MapStatus.Success)
                maps++;
        }
        Assert.True(maps > 50, $"only {maps} maps succeeded");
        Assert.True(writes > maps);
    }

    [Fact]
    public void UnmapOfPresentEntriesRequiresAFlush()
    {
        var (table, _) = NewTables();
        table.Map(0x1000, 0x1000, 2 * Page, Rw);
        table.Map(Huge, Huge, Huge, Rw);
        Assert.Equal(MapStatus.Success, table.Unmap(0x1000, Page, out TlbFlush flush));
        Assert.Equal(TlbFlush.Required, flush);
        Assert.Equal(MapStatus.Success, table.Unmap(Huge, Huge, out flush));
        Assert.Equal(TlbFlush.Required, flush);
        Assert.Equal(MapStatus.NotMapped, table.Unmap(0x1000, 2 * Page, out flush));
        Assert.Equal(TlbFlush.None, flush);
    }

    [Fact]
    public void ProtectRequiresAFlushOnlyWhenRightsChange()
    {
        var (table, store) = NewTables();
        table.Map(0x1000, 0x1000, 4 * Page, Rw);
        Assert.Equal(MapStatus.Success, table.Protect(0x1000, 4 * Page, Rw, out TlbFlush flush));
        Assert.Equal(TlbFlush.None, flush);
        Assert.Equal(MapStatus.Success, table.Protect(0x2000, Page, PageAttributes.ReadOnly, out flush));
        Assert.Equal(TlbFlush.Required, flush);
        // Widening rights changes a present entry too (stale narrower entries may stay cached).
        Assert.Equal(MapStatus.Success, table.Protect(0x2000, Page, Rw | PageAttributes.Executable, out flush));
        Assert.Equal(TlbFlush.Required, flush);
        int writes = store.Writes;
        Assert.Equal(MapStatus.NotMapped, table.Protect(0x1000, 5 * Page, PageAttributes.ReadOnly, out flush));
        Assert.Equal(TlbFlush.None, flush);
        Assert.Equal(writes, store.Writes);
    }

    [Fact]
    public void ProtectingPartOfALargeLeafWithItsOwnRightsStillResizesIt()
    {
        var (table, _) = NewTables();
        table.Map(Large, Large, Large, Rw);
        Assert.Equal(MapStatus.Success, table.Protect(Large, Page, Rw, out TlbFlush flush));
        Assert.Equal(TlbFlush.Required, flush);
        table.Lookup(Large, out int level);
        Assert.Equal(1, level);
    }

    [Fact]
    public void SplitAndMergeOfPresentLeavesRequireAFlush()
    {
        var (table, _) = NewTables();
        table.Map(Huge, 4 * Huge, Huge, Rw);
        table.Map(0x1000, 0x1000, Page, Rw);
        Assert.Equal(MapStatus.Success, table.Split(Huge, out TlbFlush flush));
        Assert.Equal(TlbFlush.Required, flush);
        Assert.Equal(MapStatus.Success, table.Split(Huge + Large, out flush));
        Assert.Equal(TlbFlush.Required, flush);
        Assert.Equal(MapStatus.Success, table.Split(0x1000, out flush));
        Assert.Equal(TlbFlush.None, flush);
        Assert.True(table.TryMerge(Huge + Large, 2, out flush));
        Assert.Equal(TlbFlush.Required, flush);
        Assert.True(table.TryMerge(Huge, 3, out flush));
        Assert.Equal(TlbFlush.Required, flush);
        Assert.False(table.TryMerge(Huge, 3, out flush));
        Assert.Equal(TlbFlush.None, flush);
    }
}
