using Redoubt.Kernel.Paging;
using Xunit;

namespace Redoubt.Kernel.Tests.Paging;

public class PageTableAuditTests
{
    private static (PageTable<X86PageFormat, RecordingTableMemory> Builder, RecordingTableMemory Memory) NewTables()
    {
        var store = new TableStore();
        var memory = new RecordingTableMemory(store);
        return (new PageTable<X86PageFormat, RecordingTableMemory>(memory, store.Allocate()), memory);
    }

    [Fact]
    public void CountsMappingsAndFindsNoViolationInAWxLayout()
    {
        var (builder, memory) = NewTables();
        builder.Map(0x20_0000, 0x20_0000, 0x3000, PageAttributes.Executable);
        builder.Map(0x20_3000, 0x20_3000, 0x1000, PageAttributes.ReadOnly);
        builder.Map(0x40_0000, 0x40_0000, 2UL << 20, PageAttributes.Writable);

        PageTableAuditResult result = PageTableAudit.Run(builder);

        Assert.Equal(5UL, result.Mappings);
        Assert.Equal(0x4000UL + (2UL << 20), result.MappedBytes);
        Assert.Equal(0x3000UL, result.ExecutableBytes);
        Assert.Equal(0UL, result.WritableExecutable);
    }

    [Fact]
    public void ReportsTheFirstWritableExecutablePage()
    {
        var (builder, memory) = NewTables();
        builder.Map(0x1000, 0x1000, 0x1000, PageAttributes.Executable);
        builder.Map(0x7F00_0000_0000, 0x5000, 0x2000, PageAttributes.Writable | PageAttributes.Executable);

        PageTableAuditResult result = PageTableAudit.Run(builder);

        Assert.Equal(2UL, result.WritableExecutable);
        Assert.Equal(0x7F00_0000_0000UL, result.FirstWritableExecutable);
    }

    [Fact]
    public void UpperHalfAddressesAreSignExtended()
    {
        var (builder, memory) = NewTables();
        builder.Map(0xFFFF_8000_0000_0000, 0x1000, 0x1000, PageAttributes.Writable | PageAttributes.Executable);
        Assert.Equal(0xFFFF_8000_0000_0000UL, PageTableAudit.Run(builder).FirstWritableExecutable);
    }
}
