using System;
using Redoubt.Abi;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Paging;
using Xunit;

namespace Redoubt.Kernel.Tests.Hypercalls;

// The kernel core over a machine laid out like real RAM: the kernel's frames, a pool in the
// middle, holes that are no RAM, and Dom0's frames around them.
public class FrameLayoutTests
{
    private static KernelCore<ArrayPhysicalMemory> Create()
    {
        var physical = new ArrayPhysicalMemory(96);
        physical.Frame(45).Fill(0xAB);
        return KernelCore<ArrayPhysicalMemory>.Create(physical, TestMachine.DefaultConfig(96), new HoleFrameLayout())
            ?? throw new System.InvalidOperationException("layout does not fit");
    }

    [Fact]
    public void Frames_start_in_the_states_the_layout_gives()
    {
        var core = Create();
        FrameTable frames = core.Machine.Frames;
        Assert.Equal(4UL, frames.Count(FrameState.Hypervisor));
        Assert.Equal(8UL, frames.Count(FrameState.Mmio));
        Assert.Equal(32UL + 36UL, frames.Count(FrameState.Dom0));
        // One pool frame became Dom0's table root; the pool holds the rest, zeroed.
        Assert.Equal(16UL, frames.Count(FrameState.Free) + frames.Count(FrameState.PageTable));
        foreach (ulong frame in core.Machine.Free.Frames)
        {
            Assert.InRange(frame, 40UL, 55UL);
            Assert.True(MemoryExtensions.IndexOfAnyExcept((ReadOnlySpan<byte>)core.Machine.Physical.Frame(frame), (byte)0) < 0);
        }
        Assert.Empty(InvariantChecker.Check(core));
    }

    [Fact]
    public void Dom0_maps_its_frames_one_to_one_and_nothing_else()
    {
        var core = Create();
        for (ulong frame = 0; frame < 96; frame++)
        {
            bool mapped = core.Dom0Table.Translate(frame * 4096, out ulong physical, out _);
            bool dom0 = core.Machine.Frames.State(frame) == FrameState.Dom0;
            Assert.Equal(dom0, mapped);
            if (mapped)
                Assert.Equal(frame * 4096, physical);
        }
    }

    [Fact]
    public void A_vm_gets_frames_from_either_side_of_a_hole_and_gives_them_back()
    {
        var core = Create();
        ulong vm = core.Call(KernelCore<ArrayPhysicalMemory>.Dom0, Hypercall.VmCreate).Result0;
        Assert.Equal(HypercallStatus.Success, core.Call(0, Hypercall.MemDonate, vm, 36 * 4096, 4, 0).Status);
        Assert.Equal(HypercallStatus.NotOwned, core.Call(0, Hypercall.MemDonate, vm, 56 * 4096, 4, 0x10000).Status);
        Assert.Equal(HypercallStatus.Success, core.Call(0, Hypercall.MemDonate, vm, 60 * 4096, 4, 0x10000).Status);
        Assert.Empty(InvariantChecker.Check(core));
        Assert.Equal(HypercallStatus.Success, core.Call(0, Hypercall.VmDestroy, vm).Status);
        Assert.Equal(68UL, core.Machine.Frames.Count(FrameState.Dom0));
        Assert.Empty(InvariantChecker.Check(core));
    }

    [Fact]
    public void A_layout_without_a_pool_is_refused()
    {
        var config = TestMachine.DefaultConfig(16);
        Assert.Null(KernelCore<ArrayPhysicalMemory>.Create(new ArrayPhysicalMemory(16), config, new PrefixFrameLayout(config with { TablePoolFrames = 0 })));
    }
}
