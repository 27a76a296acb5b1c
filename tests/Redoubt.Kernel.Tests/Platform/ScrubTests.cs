using Redoubt.Abi;
using Redoubt.Kernel.Memory;
using Xunit;
using static Redoubt.Kernel.Tests.Hypercalls.CheckedCore;

namespace Redoubt.Kernel.Tests.Platform;

// KernelCore.ScrubVmMemory, run before Redoubt resets or powers off the machine.
public class ScrubTests
{
    private const ulong Host = 0x20000;

    [Fact]
    public void Every_vm_frame_private_shared_and_table_is_zeroed_and_dom0s_and_redoubts_are_not()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 4);
        k.Ok(k.DomainOf(vm), Hypercall.MemShare, 0, GuestBase + Page, 1);
        k.Fill(Host, 4, 0x5A);
        ulong dom0Frame = (Host + 8 * Page) / Page;
        k.Fill(dom0Frame * Page, 1, 0x33);
        Assert.Equal(FrameState.Dom0, k.Frames.State(dom0Frame));
        ulong vmFrames = 0;
        for (ulong f = 0; f < k.Frames.FrameCount; f++)
        {
            FrameState state = k.Frames.State(f);
            if (state is FrameState.GuestPrivate or FrameState.GuestShared || (state == FrameState.PageTable && k.Frames.Owner(f) != Dom0))
                vmFrames++;
        }
        Assert.True(vmFrames > 4);

        Assert.Equal(vmFrames, k.Core.ScrubVmMemory());

        for (ulong f = Host / Page; f < Host / Page + 4; f++)
            Assert.True(k.IsZero(f));
        for (ulong f = 0; f < k.Frames.FrameCount; f++)
        {
            if (k.Frames.State(f) == FrameState.PageTable && k.Frames.Owner(f) != Dom0)
                Assert.True(k.IsZero(f));
        }
        Assert.False(k.IsZero(dom0Frame));
        Assert.False(k.IsZero(k.Core.Dom0Table.Root / Page));
    }

    [Fact]
    public void Without_vms_nothing_is_scrubbed() => Assert.Equal(0UL, Create().Core.ScrubVmMemory());
}
