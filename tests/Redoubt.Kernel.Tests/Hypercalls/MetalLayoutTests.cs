using System;
using Redoubt.Abi;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Xunit;

namespace Redoubt.Kernel.Tests.Hypercalls;

// The core on a machine laid out like real RAM (MetalFrameLayout): Dom0 owns page 0, which the
// image reaches at an alias, and holes the kernel's own map leaves out throw when touched. A
// buffer in page 0 is served; a buffer or donation in a hole is refused without a touch.
public class MetalLayoutTests
{
    private const ulong Page = 4096, Frames = 32;
    private const ushort Dom0 = KernelCore<ArrayPhysicalMemory>.Dom0;

    private static KernelCore<ArrayPhysicalMemory> Create() => TestMachine.CreateMetal(Frames, TestMachine.DefaultConfig(Frames) with { TablePoolFrames = 12 });

    [Fact]
    public void The_model_faults_where_the_machine_would()
    {
        // The control for every test below: touching a hole is caught.
        var core = Create();
        Assert.Equal(FrameState.Mmio, core.Machine.Frames.State(6));
        Assert.Throws<InvalidOperationException>(() => core.Machine.Physical.Frame(6));
        Assert.Equal(FrameState.Dom0, core.Machine.Frames.State(0));
    }

    [Fact]
    public void An_info_record_in_dom0s_page_zero_is_written_there()
    {
        var core = Create();
        HypercallResult result = core.Call(Dom0, Hypercall.Info, 0x100, InfoRecord.Size);
        Assert.Equal(HypercallStatus.Success, result.Status);
        Assert.Equal(AbiVersion.Current, BitConverter.ToUInt64(core.Machine.Physical.Bytes, 0x100));
        Assert.Empty(InvariantChecker.Check(core));
    }

    [Fact]
    public void Page_zero_can_be_donated_loaded_and_comes_back_scrubbed()
    {
        var core = Create();
        core.Machine.Physical.Bytes.AsSpan(0, (int)Page).Fill(0x5A);
        ulong vm = core.Call(Dom0, Hypercall.VmCreate).Result0;
        Assert.Equal(HypercallStatus.Success, core.Call(Dom0, Hypercall.MemDonate, vm, 0, 1, 0).Status);
        Assert.True(core.Machine.Physical.Bytes.AsSpan(0, (int)Page).IndexOfAnyExcept((byte)0) < 0, "page 0 reached the VM unzeroed");
        core.Machine.Physical.Bytes.AsSpan(22 * (int)Page, (int)Page).Fill(0x77);
        Assert.Equal(HypercallStatus.Success, core.Call(Dom0, Hypercall.VmLoad, vm, 0, 22 * Page, Page, 0).Status);
        Assert.Equal(0x77, core.Machine.Physical.Bytes[0]);
        Assert.Equal(HypercallStatus.Success, core.Call(Dom0, Hypercall.VmDestroy, vm).Status);
        Assert.True(core.Machine.Physical.Bytes.AsSpan(0, (int)Page).IndexOfAnyExcept((byte)0) < 0, "page 0 came back with the VM's data");
        Assert.Equal(FrameState.Dom0, core.Machine.Frames.State(0));
        Assert.Empty(InvariantChecker.Check(core));
    }

    [Theory]
    [InlineData(6UL)]
    [InlineData(7UL)]
    [InlineData(30UL)]
    [InlineData(31UL)]
    public void A_buffer_or_donation_in_a_hole_is_refused_without_a_touch(ulong frame)
    {
        var core = Create();
        Assert.Equal(HypercallStatus.InvalidBuffer, core.Call(Dom0, Hypercall.Info, frame * Page, InfoRecord.Size).Status);
        ulong vm = core.Call(Dom0, Hypercall.VmCreate).Result0;
        Assert.Equal(HypercallStatus.NotOwned, core.Call(Dom0, Hypercall.MemDonate, vm, frame * Page, 1, 0).Status);
        Assert.Equal(HypercallStatus.Success, core.Call(Dom0, Hypercall.MemDonate, vm, 0, 1, 0).Status);
        Assert.Equal(HypercallStatus.InvalidBuffer, core.Call(Dom0, Hypercall.VmLoad, vm, 0, frame * Page, Page, 0).Status);
        Assert.Empty(InvariantChecker.Check(core));
    }
}
