using System;
using System.Collections.Generic;
using Redoubt.Kernel.Paging;
using Xunit;

namespace Redoubt.Kernel.Tests.Paging;

public class PageTableTests
{
    private const ulong Page = 4096, Large = 2UL << 20;

    private static (PageTable<X86PageFormat, RecordingTableMemory> Builder, TableStore Store) NewTables(int frameBudget = 1000)
    {
        var store = new TableStore(frameBudget: frameBudget);
        var memory = new RecordingTableMemory(store);
        return (new PageTable<X86PageFormat, RecordingTableMemory>(memory, store.Allocate()), store);
    }

    [Fact]
    public void MapsFourKibPageWithRequestedRights()
    {
        var (builder, _) = NewTables();
        Assert.Equal(MapStatus.Success, builder.Map(0x40_0000 + Page, 0x9000, Page, PageAttributes.ReadOnly));

        ulong entry = builder.Lookup(0x40_0000 + Page, out int level);
        Assert.Equal(1, level);
        Assert.Equal(0x9000UL, PageTableEntry.Address(entry));
        Assert.Equal(0UL, entry & PageTableEntry.Writable);
        Assert.NotEqual(0UL, entry & PageTableEntry.NoExecute);
        Assert.Equal(0UL, builder.Lookup(0x40_0000, out _));
    }

    [Fact]
    public void UsesLargePagesOnlyWhereBothAddressesAreAligned()
    {
        var (builder, _) = NewTables();
        Assert.Equal(MapStatus.Success, builder.Map(0x20_0000, 0x20_0000, Large + Page, PageAttributes.Writable));

        Assert.NotEqual(0UL, builder.Lookup(0x20_0000, out int first) & PageTableEntry.LargePage);
        Assert.Equal(2, first);
        builder.Lookup(0x40_0000, out int tail);
        Assert.Equal(1, tail);

        var (unaligned, _) = NewTables();
        Assert.Equal(MapStatus.Success, unaligned.Map(0x20_0000, 0x20_1000, Large, PageAttributes.Writable));
        unaligned.Lookup(0x20_0000, out int level);
        Assert.Equal(1, level);
    }

    [Fact]
    public void ExecutableMappingsHaveNoNxBit()
    {
        var (builder, _) = NewTables();
        builder.Map(0x1000, 0x1000, Page, PageAttributes.Executable);
        Assert.Equal(0UL, builder.Lookup(0x1000, out _) & PageTableEntry.NoExecute);
    }

    [Theory]
    [InlineData(0x1001UL, 0x1000UL, 0x1000UL)]
    [InlineData(0x1000UL, 0x1800UL, 0x1000UL)]
    [InlineData(0x1000UL, 0x1000UL, 0x10UL)]
    [InlineData(0xFFFF_FFFF_FFFF_F000UL, 0x1000UL, 0x2000UL)]
    [InlineData(0x1000UL, 0xFFFF_FFFF_FFFF_F000UL, 0x2000UL)]
    public void RejectsMisalignedOrWrappingRangesWithoutWriting(ulong va, ulong pa, ulong length)
    {
        var (builder, store) = NewTables();
        Assert.Equal(MapStatus.Misaligned, builder.Map(va, pa, length, PageAttributes.Writable));
        Assert.Equal(MapStatus.Misaligned, builder.Map(va, pa, 0, PageAttributes.Writable));
        Assert.Equal(0, store.Writes);
    }

    [Fact]
    public void RejectsNonCanonicalAddressesWithoutWriting()
    {
        var (builder, store) = NewTables();
        Assert.Equal(MapStatus.NonCanonical, builder.Map(0x0000_8000_0000_0000, 0, Page, PageAttributes.Writable));
        Assert.Equal(MapStatus.NonCanonical, builder.Map(0x0000_7FFF_FFFF_F000, 0, 2 * Page, PageAttributes.Writable));
        Assert.Equal(0, store.Writes);
    }

    [Fact]
    public void NeverOverwritesAnExistingMapping()
    {
        var (builder, _) = NewTables();
        builder.Map(0x5000, 0x5000, Page, PageAttributes.ReadOnly);
        Assert.Equal(MapStatus.AlreadyMapped, builder.Map(0x5000, 0x9000, Page, PageAttributes.Writable));
        Assert.Equal(0x5000UL, PageTableEntry.Address(builder.Lookup(0x5000, out _)));

        builder.Map(0x60_0000, 0x60_0000, Large, PageAttributes.ReadOnly);
        Assert.Equal(MapStatus.AlreadyMapped, builder.Map(0x60_1000, 0x1000, Page, PageAttributes.Writable));
    }

    [Fact]
    public void ReportsExhaustedTableFrames()
    {
        var (builder, store) = NewTables(frameBudget: 2);
        Assert.Equal(MapStatus.OutOfTableFrames, builder.Map(0x1000, 0x1000, Page, PageAttributes.Writable));
        Assert.Equal(0, store.Writes);
    }

    [Fact]
    public void MapIdentityExceptLeavesHolesUnmapped()
    {
        var (builder, _) = NewTables();
        ReadOnlySpan<AddressRange> holes = [new AddressRange(0, Page), new AddressRange(0x3000, 0x5000), new AddressRange(0x4000, 0x6000)];
        Assert.Equal(MapStatus.Success, builder.MapIdentityExcept(0, 0x8000, PageAttributes.Writable, holes));

        var mapped = new List<ulong>();
        for (ulong va = 0; va < 0x9000; va += Page)
        {
            if (builder.Lookup(va, out _) != 0)
                mapped.Add(va);
        }
        Assert.Equal(new ulong[] { 0x1000, 0x2000, 0x6000, 0x7000 }, mapped);
    }

    [Fact]
    public void MapIdentityExceptRoundsToWholePages()
    {
        var (builder, _) = NewTables();
        Assert.Equal(MapStatus.Success, builder.MapIdentityExcept(0x1800, 0x4800, PageAttributes.Writable, ReadOnlySpan<AddressRange>.Empty));
        Assert.Equal(0UL, builder.Lookup(0x1000, out _));
        Assert.NotEqual(0UL, builder.Lookup(0x2000, out _));
        Assert.NotEqual(0UL, builder.Lookup(0x3000, out _));
        Assert.Equal(0UL, builder.Lookup(0x4000, out _));
    }

    // Every intermediate state a CPU could observe during a build is a valid page table that maps
    // nothing but what was requested (Hedron's page-table test, applied here).
    [Fact]
    public void NoIntermediateStateMapsAnythingUnrequested()
    {
        var (builder, store) = NewTables();
        var requested = new Dictionary<ulong, ulong>();
        var random = new Random(1234);
        int checkedStates = 0;
        store.AfterWrite = (_, _, _) =>
        {
            checkedStates++;
            foreach (var (va, pa) in WalkLeaves(store, builder.Root))
            {
                Assert.True(requested.TryGetValue(va, out ulong expected), $"unrequested mapping at {va:x}");
                Assert.Equal(expected, pa);
            }
        };
        for (int i = 0; i < 40; i++)
        {
            ulong va = (ulong)random.Next(0, 1 << 20) * Page;
            ulong pa = (ulong)random.Next(0, 1 << 20) * Page;
            ulong pages = (ulong)random.Next(1, 4);
            bool free = true;
            for (ulong p = 0; p < pages; p++)
                free &= !requested.ContainsKey(va + p * Page) && builder.Lookup(va + p * Page, out _) == 0;
            if (!free)
                continue;
            for (ulong p = 0; p < pages; p++)
                requested[va + p * Page] = pa + p * Page;
            Assert.Equal(MapStatus.Success, builder.Map(va, pa, pages * Page, PageAttributes.Writable));
        }
        Assert.True(checkedStates > 40);
        Assert.Equal(requested.Count, WalkLeaves(store, builder.Root).Count);
    }

    // (virtual page, physical page) of every 4 KiB page the tables map.
    private static List<(ulong, ulong)> WalkLeaves(TableStore store, ulong root)
    {
        var leaves = new List<(ulong, ulong)>();
        void Walk(ulong table, int level, ulong baseAddress)
        {
            Assert.True(store.Tables.ContainsKey(table), $"entry points at {table:x}, not a table frame");
            for (int i = 0; i < 512; i++)
            {
                ulong entry = store.Read(table, i);
                if (!PageTableEntry.IsPresent(entry))
                    continue;
                ulong va = baseAddress + (ulong)i * PageTableEntry.SpanOfEntry(level);
                if (level == 1 || (entry & PageTableEntry.LargePage) != 0)
                {
                    for (ulong offset = 0; offset < PageTableEntry.SpanOfEntry(level); offset += Page)
                        leaves.Add((va + offset, PageTableEntry.Address(entry) + offset));
                }
                else
                {
                    Walk(PageTableEntry.Address(entry), level - 1, va);
                }
            }
        }
        Walk(root, 4, 0);
        return leaves;
    }
}
