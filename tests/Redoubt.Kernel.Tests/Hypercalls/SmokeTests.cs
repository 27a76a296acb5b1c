using Redoubt.Abi;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Memory;
using Xunit;

namespace Redoubt.Kernel.Tests.Hypercalls;

public class SmokeTests
{
    [Fact]
    public void CreateDonateLoadFinalizeReclaimDestroyKeepsInvariants()
    {
        var core = TestMachine.Create(64);
        Assert.Empty(InvariantChecker.Check(core));
        ulong dom0First = (2 + 16) * 4096UL;

        var created = core.Call(0, Hypercall.VmCreate);
        Assert.Equal(HypercallStatus.Success, created.Status);
        ulong vm = created.Result0;
        Assert.Equal(HypercallStatus.Success, core.Call(0, Hypercall.MemDonate, vm, dom0First, 4, 0x10000).Status);
        Assert.Empty(InvariantChecker.Check(core));
        Assert.Equal(HypercallStatus.Success, core.Call(0, Hypercall.VmLoad, vm, 0x10000, dom0First + 8 * 4096, 4096, 1).Status);
        var vcpu = core.Call(0, Hypercall.VcpuCreate, vm);
        Assert.Equal(HypercallStatus.Success, vcpu.Status);
        Assert.Equal(HypercallStatus.Success, core.Call(0, Hypercall.VmFinalize, vm).Status);
        Assert.Equal(HypercallStatus.InvalidState, core.Call(0, Hypercall.VmLoad, vm, 0x10000, dom0First + 8 * 4096, 4096, 0).Status);
        Assert.Equal(HypercallStatus.Success, core.Call(0, Hypercall.MemReclaim, vm, 0x11000, 1).Status);
        Assert.Empty(InvariantChecker.Check(core));
        Assert.Equal(HypercallStatus.Success, core.Call(0, Hypercall.VmDestroy, vm).Status);
        Assert.Empty(InvariantChecker.Check(core));
        Assert.Equal(0UL, core.Machine.Frames.Count(FrameState.GuestPrivate));
    }

    [Fact]
    public void FailedCallChangesNothing()
    {
        var core = TestMachine.Create(64);
        ulong vm = core.Call(0, Hypercall.VmCreate).Result0;
        string before = StateDigest.Of(core);
        Assert.Equal(HypercallStatus.NotOwned, core.Call(0, Hypercall.MemDonate, vm, 0, 1, 0).Status);
        Assert.Equal(HypercallStatus.InvalidArgument, core.Call(0, Hypercall.MemDonate, vm, 0x12001, 1, 0).Status);
        Assert.Equal(HypercallStatus.InvalidCapability, core.Call(0, Hypercall.VmDestroy, 7).Status);
        Assert.Equal(HypercallStatus.UnknownHypercall, core.Call(0, (Hypercall)0x999).Status);
        Assert.Equal(before, StateDigest.Of(core));
    }
}
