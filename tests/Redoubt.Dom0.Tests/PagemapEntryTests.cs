using Redoubt.Dom0.Control;
using Xunit;

namespace Redoubt.Dom0.Tests;

public class PagemapEntryTests
{
    [Fact]
    public void APresentPageGivesItsFrameWithTheOffsetKept()
    {
        var entry = new PagemapEntry((1UL << 63) | 0x12345);
        Assert.True(entry.Present);
        Assert.Equal(0x12345UL, entry.Pfn);
        Assert.True(entry.TryPhysicalAddress(0x7F00_1234_5ABC, out ulong physical, out string? error));
        Assert.Null(error);
        Assert.Equal(0x1234_5ABCUL, physical);
    }

    [Fact]
    public void ThePfnIsBits0To54Only()
    {
        // Bits 55 (soft-dirty), 56 (exclusively mapped), 57 (uffd-wp), 61 (file/shared) and 62
        // (swapped) are flags, not address bits.
        ulong flags = (1UL << 55) | (1UL << 56) | (1UL << 57) | (1UL << 61);
        var entry = new PagemapEntry((1UL << 63) | flags | 0x7F_FFFF_FFFF_FFFF);
        Assert.Equal((1UL << 55) - 1, entry.Pfn);
        Assert.True(entry.TryPhysicalAddress(0x1000, out ulong physical, out _));
        Assert.Equal(((1UL << 55) - 1) << 12, physical);
        Assert.Equal(0x42UL, new PagemapEntry((1UL << 63) | flags | 0x42).Pfn);
    }

    [Fact]
    public void APageNotInRamHasNoAddress()
    {
        var entry = new PagemapEntry(0x12345); // PFN bits without the present bit
        Assert.False(entry.Present);
        Assert.False(entry.TryPhysicalAddress(0x1000, out ulong physical, out string? error));
        Assert.Equal(0UL, physical);
        Assert.Equal("the buffer page is not present in RAM", error);
    }

    [Fact]
    public void ASwappedPageHasNoAddress()
    {
        var entry = new PagemapEntry((1UL << 62) | 0x5);
        Assert.True(entry.Swapped);
        Assert.False(entry.TryPhysicalAddress(0x1000, out _, out string? error));
        Assert.Equal("the buffer page is swapped out", error);
    }

    [Fact]
    public void AHiddenPfnSaysRootIsNeeded()
    {
        // Linux 4.2+ gives readers without CAP_SYS_ADMIN the flags but PFN 0.
        var entry = new PagemapEntry((1UL << 63) | (1UL << 56));
        Assert.False(entry.TryPhysicalAddress(0x1000, out _, out string? error));
        Assert.Contains("must run as root", error);
    }

    [Theory]
    [InlineData(0UL, 0L)]
    [InlineData(0xFFFUL, 0L)]
    [InlineData(0x1000UL, 8L)]
    [InlineData(0x7FFF_FFFF_F000UL, 0x7FFF_FFFF_FL * 8)]
    public void EachVirtualPageHasAnEightByteEntry(ulong virtualAddress, long offset) =>
        Assert.Equal(offset, PagemapEntry.FileOffset(virtualAddress));
}
