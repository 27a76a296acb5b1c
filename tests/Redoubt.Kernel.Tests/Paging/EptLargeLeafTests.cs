using Redoubt.Kernel.Paging;
using Xunit;

namespace Redoubt.Kernel.Tests.Paging;

// Intel EPT: 2 MiB and 1 GiB leaves.
public sealed class EptLargeLeafTests : LargeLeafTests<EptFormat>
{
    // Leaves carry write-back (6) unless uncached (0), and the large bit above 4 KiB; splitting
    // keeps the memory type.
    [Fact]
    public void LeavesCarryTheirMemoryTypeThroughSplits()
    {
        var f = new Fixture(3);
        Assert.Equal(MapStatus.Success, f.Table.Map(f.Va, f.Pa, f.Span, PageAttributes.Uncached | Rw));
        ulong entry = f.Table.Lookup(f.Va, out _);
        Assert.Equal(0UL, entry & (7UL << 3));
        Assert.NotEqual(0UL, entry & (1UL << 7));
        f.Table.Split(f.Va, out _);
        f.Table.Split(f.Va, out _);
        entry = f.Table.Lookup(f.Va, out int level);
        Assert.Equal(1, level);
        Assert.Equal(0UL, entry & (7UL << 3));
        f.AssertMaps(f.Va, PageAttributes.Uncached | Rw);

        Assert.Equal(MapStatus.Success, f.Table.Map(0x20_0000, 0x20_0000, SpanOf(2), Rw));
        Assert.Equal(6UL << 3, f.Table.Lookup(0x20_0000, out _) & (7UL << 3));
    }
}
