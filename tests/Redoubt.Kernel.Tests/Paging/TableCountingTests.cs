using System;
using System.Collections.Generic;
using Redoubt.Kernel.Paging;
using Xunit;

namespace Redoubt.Kernel.Tests.Paging;

// The kernel validates a hypercall by counting the table frames its perform step will take; the
// counts must be exact (too low and a perform step runs dry; too high and calls fail that would
// fit). Property test, fixed seeds: random maps (4 KiB to GiB, congruent or not, near the 512 GiB
// and 2^47 boundaries), then random Unmap/Protect of mapped sub-ranges, each checked against
// what the fake memory actually handed out. At the end FreeAll returns every table.
public class TableCountingTests
{
    private const ulong Page = 4096, Large = 2UL << 20, Huge = 1UL << 30;

    private static readonly ulong[] Anchors =
    [
        0,
        0x7F_C000_0000,       // 511 GiB: ranges cross into the next top-level entry
        0x100_0000_0000,      // 1 TiB
        0x7FF0_0000_0000,     // near the top of the lower half
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void NptCountsAreExact(int seed) => Run<NptFormat>(seed);

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void EptCountsAreExact(int seed) => Run<EptFormat>(seed);

    [Theory]
    [InlineData(6)]
    [InlineData(7)]
    public void X86CountsAreExact(int seed) => Run<X86PageFormat>(seed);

    private static ulong Pick(Random random, params ulong[] values) => values[random.Next(values.Length)];

    private static void Run<TFormat>(int seed) where TFormat : struct, IPageTableFormat
    {
        var store = new TableStore(frameBudget: 1_000_000);
        var table = new PageTable<TFormat, RecordingTableMemory>(new RecordingTableMemory(store), store.Allocate());
        var random = new Random(seed);
        var mapped = new List<(ulong Va, ulong Length)>();
        int maps = 0, rewrites = 0, splitting = 0;

        for (int step = 0; step < 1500; step++)
        {
            if (mapped.Count == 0 || random.Next(5) < 2)
            {
                ulong granule = Pick(random, Page, Large, Large, Huge);
                ulong va = Pick(random, Anchors) + (ulong)random.Next(0, 24) * granule;
                if (random.Next(3) == 0)
                    va += (ulong)random.Next(1, 600) * Page;
                ulong congruence = Pick(random, Page, Large, Huge, Huge);
                ulong pa = (ulong)random.Next(1, 64) * Huge + (va & (congruence - 1)) + (congruence == Page ? (ulong)random.Next(0, 512) * Page : 0);
                bool allowLarge = random.Next(4) != 0;
                bool fine = !allowLarge || ((pa - va) & (Large - 1)) != 0;
                ulong length = fine
                    ? (ulong)random.Next(1, 2048) * Page
                    : granule * (ulong)random.Next(1, 4) + (ulong)random.Next(0, 3) * Page;
                if (PageTable<TFormat, RecordingTableMemory>.CheckRange(va, pa, length) != MapStatus.Success || !table.IsRangeUnmapped(va, length))
                    continue;
                ulong needed = table.TablesNeededToMap(va, pa, length, allowLarge);
                int before = store.Allocations;
                Assert.Equal(MapStatus.Success, table.Map(va, pa, length, PageAttributes.Writable, allowLarge));
                Assert.True(needed == (ulong)(store.Allocations - before),
                    $"map {va:x}+{length:x} -> {pa:x} (large: {allowLarge}): counted {needed}, allocated {store.Allocations - before}");
                mapped.Add((va, length));
                maps++;
            }
            else
            {
                var (rangeVa, rangeLength) = mapped[random.Next(mapped.Count)];
                ulong start = rangeVa + (ulong)random.Next(0, (int)Math.Min(rangeLength / Page, int.MaxValue)) * Page;
                if (random.Next(3) == 0)
                    start = Math.Max(rangeVa, start & ~(Pick(random, Large, Huge) - 1));
                ulong end = start + (ulong)random.Next(1, (int)Math.Min((rangeVa + rangeLength - start) / Page, int.MaxValue) + 1) * Page;
                if (random.Next(3) == 0)
                    end = Math.Max(start + Page, end & ~(Pick(random, Large, Huge) - 1));
                ulong length = end - start;
                if (!table.IsRangeMapped(start, length))
                    continue;
                ulong needed = table.TablesNeededToSplit(start, length);
                int before = store.Allocations;
                bool remove = random.Next(2) == 0;
                MapStatus status = remove
                    ? table.Unmap(start, length, out _)
                    : table.Protect(start, length, (PageAttributes)random.Next(0, 4), out _);
                Assert.Equal(MapStatus.Success, status);
                Assert.True(needed == (ulong)(store.Allocations - before),
                    $"{(remove ? "unmap" : "protect")} {start:x}+{length:x}: counted {needed}, allocated {store.Allocations - before}");
                rewrites++;
                if (needed != 0)
                    splitting++;
            }
        }

        Assert.True(maps >= 100 && rewrites >= 200 && splitting >= 20, $"{maps} maps, {rewrites} unmaps/protects, {splitting} of them splitting");

        ulong tables = table.CountTables();
        Assert.Equal((ulong)store.Tables.Count, tables);
        int freed = store.Freed;
        table.FreeAll();
        Assert.Empty(store.Tables);
        Assert.Equal((ulong)(store.Freed - freed), tables);
    }
}
