using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Paging;
using Xunit;

namespace Redoubt.Kernel.Tests.Boot;

// Where Dom0Loader puts Dom0's kernel, initramfs, zero page and command line: only whole frames
// Dom0 owns, clear of the boot archive and of each other.
public class Dom0PlacementTests
{
    private const ulong Page = 4096, MiB = 1 << 20;

    // 64 MiB: the first MiB and 8-12 MiB Redoubt's, 40-48 MiB no RAM, the rest Dom0's.
    private static FrameTable Machine()
    {
        var frames = new FrameTable(64 * MiB / Page);
        for (ulong frame = 0; frame < frames.FrameCount; frame++)
        {
            ulong address = frame * Page;
            FrameState state = address < MiB || (address >= 8 * MiB && address < 12 * MiB) ? FrameState.Hypervisor
                : address >= 40 * MiB && address < 48 * MiB ? FrameState.Mmio : FrameState.Dom0;
            frames.Set(frame, state, 0);
        }
        return frames;
    }

    [Fact]
    public void The_lowest_aligned_free_run_skips_what_redoubt_keeps()
    {
        var placement = new Dom0Placement(Machine(), default);
        Assert.Equal(MiB, placement.FindLowest(0, 2 * Page, Page, 4UL << 30));
        // 8 MiB does not fit below Redoubt's 8-12 MiB from 2 MiB up: the next 2 MiB boundary after it.
        Assert.Equal(12 * MiB, placement.FindLowest(2 * MiB, 8 * MiB, 2 * MiB, 4UL << 30));
        Assert.Equal(2 * MiB, placement.FindLowest(2 * MiB, 6 * MiB, 2 * MiB, 4UL << 30));
    }

    [Fact]
    public void Taken_ranges_and_the_archive_are_avoided()
    {
        var placement = new Dom0Placement(Machine(), new AddressRange(12 * MiB, 20 * MiB));
        placement.Take(MiB, 2 * Page);
        Assert.False(placement.IsFree(MiB, Page));
        Assert.False(placement.IsFree(19 * MiB, Page));
        Assert.Equal(20 * MiB, placement.FindLowest(12 * MiB, 4 * MiB, 2 * MiB, 4UL << 30));
        Assert.Equal(MiB + 2 * Page, placement.FindLowest(MiB, Page, Page, 4UL << 30));
    }

    [Fact]
    public void The_highest_run_below_the_limit_is_page_aligned_and_clear()
    {
        var placement = new Dom0Placement(Machine(), new AddressRange(60 * MiB, 64 * MiB));
        // Below the archive at the top of RAM.
        Assert.Equal(60 * MiB - 3 * Page, placement.FindHighest(3 * Page - 100, 4UL << 30));
        // Too big for 48-60 MiB: below the no-RAM hole.
        Assert.Equal(40 * MiB - 16 * MiB, placement.FindHighest(16 * MiB, 4UL << 30));
        // Below a limit.
        Assert.Equal(30 * MiB - 4 * MiB, placement.FindHighest(4 * MiB, 30 * MiB));
    }

    [Fact]
    public void No_room_is_zero()
    {
        var placement = new Dom0Placement(Machine(), default);
        Assert.Equal(0UL, placement.FindLowest(0, 40 * MiB, Page, 4UL << 30));
        Assert.Equal(0UL, placement.FindHighest(40 * MiB, 4UL << 30));
        Assert.Equal(0UL, placement.FindHighest(0, 4UL << 30));
        Assert.Equal(0UL, placement.FindHighest(4 * MiB, 2 * MiB));
    }
}
