using System;
using System.Linq;
using Redoubt.Kernel.Boot;
using Xunit;

namespace Redoubt.Kernel.Tests.Boot;

public class MemoryMapTests
{
    private static (ulong Base, ulong End, MemoryKind Kind)[] Snapshot(MemoryMap map) =>
        map.Regions.ToArray().Select(r => (r.Base, r.End, r.Kind)).ToArray();

    [Fact]
    public void SortsAndMergesAdjacentRegionsOfOneKind()
    {
        var map = new MemoryMap();
        map.Add(0x100000, 0x100000, MemoryKind.Usable);
        map.Add(0, 0x9F000, MemoryKind.Usable);
        map.Add(0x200000, 0x100000, MemoryKind.Usable);
        map.Add(0xF0000, 0x10000, MemoryKind.Reserved);

        Assert.Equal(new[]
        {
            (0UL, 0x9F000UL, MemoryKind.Usable),
            (0xF0000UL, 0x100000UL, MemoryKind.Reserved),
            (0x100000UL, 0x300000UL, MemoryKind.Usable),
        }, Snapshot(map));
        Assert.Equal(0x9F000UL + 0x200000UL, map.TotalBytes(MemoryKind.Usable));
    }

    [Fact]
    public void OverlapIsResolvedToTheStricterKind()
    {
        var map = new MemoryMap();
        map.Add(0x1000, 0x9000, MemoryKind.Usable);       // [0x1000, 0xA000)
        map.Add(0x4000, 0x2000, MemoryKind.Reserved);     // [0x4000, 0x6000) inside it
        map.Add(0x8000, 0x4000, MemoryKind.Usable);       // overlaps the end, extends it

        Assert.Equal(new[]
        {
            (0x1000UL, 0x4000UL, MemoryKind.Usable),
            (0x4000UL, 0x6000UL, MemoryKind.Reserved),
            (0x6000UL, 0xC000UL, MemoryKind.Usable),
        }, Snapshot(map));

        // A later usable report never turns reserved memory usable.
        map.Add(0x3000, 0x4000, MemoryKind.Usable);
        Assert.Equal(MemoryKind.Reserved, map.Regions[1].Kind);
        Assert.Equal(0x4000UL, map.Regions[1].Base);
    }

    [Theory]
    [InlineData(0x1000UL, 0UL)]
    [InlineData(0xFFFF_FFFF_FFFF_F000UL, 0x2000UL)]
    public void RejectsEmptyAndWrappingEntries(ulong baseAddress, ulong length)
    {
        var map = new MemoryMap();
        Assert.False(map.Add(baseAddress, length, MemoryKind.Usable));
        Assert.Equal(0, map.Count);
        Assert.Equal(1, map.Rejected);
    }

    [Fact]
    public void CountsEntriesBeyondCapacity()
    {
        var map = new MemoryMap();
        for (int i = 0; i < MemoryMap.Capacity + 5; i++)
            map.Add((ulong)i * 0x2000, 0x1000, i % 2 == 0 ? MemoryKind.Usable : MemoryKind.Reserved);
        Assert.Equal(MemoryMap.Capacity, map.Count);
        Assert.Equal(5, map.Rejected);
    }

    // Random reports against a per-page reference model: the map never overlaps, stays sorted,
    // merges neighbours, and each page has the strictest kind any report gave it.
    [Fact]
    public void MatchesAPerPageReferenceModel()
    {
        var random = new Random(42);
        for (int round = 0; round < 200; round++)
        {
            var map = new MemoryMap();
            var model = new MemoryKind?[64];
            for (int i = 0; i < 12; i++)
            {
                int start = random.Next(0, 64), length = random.Next(1, 64 - start + 1);
                var kind = (MemoryKind)random.Next(0, 5);
                Assert.True(map.Add((ulong)start * 0x1000, (ulong)length * 0x1000, kind));
                for (int p = start; p < start + length; p++)
                {
                    if (model[p] is null || Strictness(kind) > Strictness(model[p]!.Value))
                        model[p] = kind;
                }
            }
            var regions = map.Regions.ToArray();
            for (int i = 1; i < regions.Length; i++)
            {
                Assert.True(regions[i - 1].End <= regions[i].Base);
                Assert.False(regions[i - 1].End == regions[i].Base && regions[i - 1].Kind == regions[i].Kind);
            }
            for (int p = 0; p < 64; p++)
            {
                var region = regions.Where(r => r.Base <= (ulong)p * 0x1000 && (ulong)p * 0x1000 < r.End).ToArray();
                if (model[p] is null)
                    Assert.Empty(region);
                else
                    Assert.Equal(model[p], Assert.Single(region).Kind);
            }
        }
    }

    private static int Strictness(MemoryKind kind) => kind == MemoryKind.Usable ? 0 : 1 + (int)kind;

    [Theory]
    [InlineData(1u, MemoryKind.Usable)]
    [InlineData(2u, MemoryKind.Reserved)]
    [InlineData(3u, MemoryKind.AcpiReclaimable)]
    [InlineData(4u, MemoryKind.AcpiNvs)]
    [InlineData(5u, MemoryKind.Unusable)]
    [InlineData(99u, MemoryKind.Reserved)]
    public void E820TypesMapToKinds(uint type, MemoryKind kind) => Assert.Equal(kind, MemoryKindNames.FromE820(type));

    [Theory]
    [InlineData(1u, MemoryKind.Loader)]
    [InlineData(3u, MemoryKind.Usable)]
    [InlineData(4u, MemoryKind.Usable)]
    [InlineData(5u, MemoryKind.FirmwareRuntime)]
    [InlineData(7u, MemoryKind.Usable)]
    [InlineData(9u, MemoryKind.AcpiReclaimable)]
    [InlineData(11u, MemoryKind.Mmio)]
    [InlineData(0u, MemoryKind.Reserved)]
    [InlineData(0x70000000u, MemoryKind.Reserved)]
    public void UefiTypesMapToKinds(uint type, MemoryKind kind) => Assert.Equal(kind, MemoryKindNames.FromUefi(type));
}
