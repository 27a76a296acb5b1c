using Redoubt.Kernel.Paging;
using Xunit;

namespace Redoubt.Kernel.Tests.Paging;

// AMD NPT: 2 MiB and 1 GiB leaves.
public sealed class NptLargeLeafTests : LargeLeafTests<NptFormat>
{
    [Fact]
    public void MergesAGibOfSmallPagesStepByStep()
    {
        var f = new Fixture(3);
        Assert.Equal(MapStatus.Success, f.Table.Map(f.Va, f.Pa, f.Span, Rw, allowLarge: false));
        Assert.Equal(1 + 1 + 1 + 512, f.Store.Tables.Count);
        for (ulong va = f.Va; va < f.Va + f.Span; va += SpanOf(2))
            Assert.True(f.Table.TryMerge(va, 2, out _));
        Assert.True(f.Table.TryMerge(f.Va, 3, out TlbFlush flush));
        Assert.Equal(TlbFlush.Required, flush);
        Assert.Equal(2, f.Store.Tables.Count);
        Assert.Equal(513, f.Store.Freed);
        f.Table.Lookup(f.Va + 0x1234_5000, out int level);
        Assert.Equal(3, level);
        f.AssertMaps(f.Va + 0x1234_5000, Rw);
    }

    // The CPU checks nested walks as user accesses: every entry, table or leaf, has the user bit.
    [Fact]
    public void EveryEntryCarriesTheUserBit()
    {
        var f = new Fixture(3);
        f.Store.BeforeWrite = (_, _, _, entry) => Assert.True(entry == 0 || (entry & PageTableEntry.User) != 0, $"entry {entry:x} lacks the user bit");
        f.WithLeaves();
        f.Table.Split(f.Va, out _);
        f.Table.Protect(f.Va + Page, Page, PageAttributes.ReadOnly, out _);
        f.Table.Map(0x1000, 0x1000, Page, Rw);
    }
}
