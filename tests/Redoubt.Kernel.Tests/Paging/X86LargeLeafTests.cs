using Redoubt.Kernel.Paging;
using Xunit;

namespace Redoubt.Kernel.Tests.Paging;

// Redoubt's own tables: 2 MiB leaves at most.
public sealed class X86LargeLeafTests : LargeLeafTests<X86PageFormat>
{
    [Fact]
    public void AnAlignedGibIsMappedWith2MiBLeaves()
    {
        var f = new Fixture(3);
        Assert.Equal(MapStatus.Success, f.Table.Map(f.Va, f.Pa, f.Span, Rw));
        f.Table.Lookup(f.Va, out int level);
        Assert.Equal(2, level);
        // Root, one table per level down to the 2 MiB entries: no table for 4 KiB entries.
        Assert.Equal(3, f.Store.Tables.Count);
        var before = f.Counters;
        Assert.False(f.Table.TryMerge(f.Va, 3, out TlbFlush flush));
        Assert.Equal(TlbFlush.None, flush);
        Assert.Equal(before, f.Counters);
    }
}
