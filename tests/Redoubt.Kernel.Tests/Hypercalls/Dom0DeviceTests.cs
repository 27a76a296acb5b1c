using Redoubt.Abi;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Paging;
using Xunit;

namespace Redoubt.Kernel.Tests.Hypercalls;

// Dom0's device mappings (KernelCore.MapDom0Device): the platform's MMIO and firmware ranges,
// mapped 1:1 beside Dom0's RAM; never RAM of anyone, never executable, never a buffer.
public class Dom0DeviceTests
{
    private const ulong Page = 4096;

    private static KernelCore<ArrayPhysicalMemory> Create() =>
        KernelCore<ArrayPhysicalMemory>.Create(new ArrayPhysicalMemory(96), TestMachine.DefaultConfig(96), new HoleFrameLayout())
        ?? throw new System.InvalidOperationException("layout does not fit");

    [Fact]
    public void A_hole_and_the_space_past_ram_map_one_to_one_read_write_not_executable()
    {
        var core = Create();
        Assert.Equal(Dom0DeviceStatus.Success, core.MapDom0Device(4 * Page, 8 * Page));
        Assert.Equal(Dom0DeviceStatus.Success, core.MapDom0Device(96 * Page, 0x1_0000_0000));
        foreach (ulong address in new[] { 4 * Page, 7 * Page, 96 * Page, 0xFEE0_0000, 0xFFFF_F000 })
        {
            Assert.True(core.Dom0Table.Translate(address, out ulong physical, out PageAttributes attributes));
            Assert.Equal(address, physical);
            Assert.True((attributes & PageAttributes.Writable) != 0);
            Assert.True((attributes & PageAttributes.Executable) == 0);
        }
        Assert.False(core.Dom0Table.Translate(56 * Page, out _, out _));
        Assert.Empty(InvariantChecker.Check(core));
    }

    [Theory]
    [InlineData(0UL, 4UL)]      // the hypervisor's frames
    [InlineData(6UL, 10UL)]     // a hole running into Dom0's RAM
    [InlineData(40UL, 41UL)]    // the free pool
    [InlineData(90UL, 100UL)]   // Dom0's RAM before the end of the frame table
    public void Ram_of_anyone_is_refused_and_nothing_changes(ulong first, ulong end)
    {
        var core = Create();
        string before = StateDigest.Of(core);
        Assert.Equal(Dom0DeviceStatus.NotDeviceMemory, core.MapDom0Device(first * Page, end * Page));
        Assert.Equal(before, StateDigest.Of(core));
    }

    [Theory]
    [InlineData(4 * Page + 1, 8 * Page)]
    [InlineData(4 * Page, 8 * Page - 1)]
    [InlineData(8 * Page, 4 * Page)]
    [InlineData(4 * Page, 4 * Page)]
    [InlineData(0x7FFF_FFFF_F000UL, 0x8000_0000_1000UL)]
    public void Bad_ranges_are_refused_and_nothing_changes(ulong start, ulong end)
    {
        var core = Create();
        string before = StateDigest.Of(core);
        Assert.Equal(Dom0DeviceStatus.BadRange, core.MapDom0Device(start, end));
        Assert.Equal(before, StateDigest.Of(core));
    }

    [Fact]
    public void A_range_mapped_already_is_refused_and_nothing_changes()
    {
        var core = Create();
        Assert.Equal(Dom0DeviceStatus.Success, core.MapDom0Device(96 * Page, 128 * Page));
        string before = StateDigest.Of(core);
        Assert.Equal(Dom0DeviceStatus.AlreadyMapped, core.MapDom0Device(120 * Page, 200 * Page));
        Assert.Equal(before, StateDigest.Of(core));
    }

    [Fact]
    public void A_device_page_is_no_hypercall_buffer()
    {
        var core = Create();
        Assert.Equal(Dom0DeviceStatus.Success, core.MapDom0Device(4 * Page, 8 * Page));
        Assert.Equal(HypercallStatus.InvalidBuffer, core.Call(KernelCore<ArrayPhysicalMemory>.Dom0, Hypercall.Info, 4 * Page, InfoRecord.Size).Status);
        Assert.Equal(HypercallStatus.Success, core.Call(KernelCore<ArrayPhysicalMemory>.Dom0, Hypercall.Info, 8 * Page, InfoRecord.Size).Status);
    }

    [Fact]
    public void Device_pages_cannot_be_donated()
    {
        var core = Create();
        Assert.Equal(Dom0DeviceStatus.Success, core.MapDom0Device(4 * Page, 8 * Page));
        ulong vm = core.Call(KernelCore<ArrayPhysicalMemory>.Dom0, Hypercall.VmCreate).Result0;
        Assert.NotEqual(HypercallStatus.Success, core.Call(KernelCore<ArrayPhysicalMemory>.Dom0, Hypercall.MemDonate, vm, 4 * Page, 4, 0).Status);
        Assert.Empty(InvariantChecker.Check(core));
    }
}
