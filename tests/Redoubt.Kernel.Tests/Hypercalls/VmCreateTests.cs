using Redoubt.Abi;
using Redoubt.Kernel.Capabilities;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Objects;
using Xunit;
using static Redoubt.Kernel.Tests.Hypercalls.CheckedCore;

namespace Redoubt.Kernel.Tests.Hypercalls;

public class VmCreateTests
{
    [Fact]
    public void GivesDom0AnOwnerCapabilityAndTheVmAllRightsOnItself()
    {
        var k = Create();
        HypercallResult result = k.Ok(Dom0, Hypercall.VmCreate);
        Assert.Equal(0UL, result.Result0);
        Assert.Equal(0UL, result.Result1);
        Capability dom0 = k.Dom0Capability(0);
        Assert.Equal(ObjectType.Vm, dom0.Type);
        Assert.Equal((ulong)VmRights.Owner, dom0.Rights);
        Assert.Equal(0UL, dom0.Rights & (ulong)VmRights.Share);
        Assert.Equal(Capability.NoParent, dom0.Parent);

        VirtualMachine vm = k.Vm(0);
        Assert.Equal(VmState.Building, vm.State);
        Assert.Equal((ushort)1, vm.Domain);
        Capability self = vm.Capabilities.Get(0);
        Assert.Equal(ObjectType.Vm, self.Type);
        Assert.Equal(dom0.ObjectIndex, self.ObjectIndex);
        Assert.Equal(dom0.Generation, self.Generation);
        Assert.Equal((ulong)VmRights.All, self.Rights);
        for (int slot = 1; slot < vm.Capabilities.SlotCount; slot++)
            Assert.True(vm.Capabilities.Get((ulong)slot).IsEmpty);
    }

    [Fact]
    public void TakesOneTableFrameForTheVmsRootAndMapsNothing()
    {
        var k = Create();
        ulong free = k.FreeFrames;
        ulong vm = k.CreateVm();
        Assert.Equal(free - 1, k.FreeFrames);
        ulong root = k.Vm(vm).NestedRoot;
        Assert.Equal(FrameState.PageTable, k.Frames.State(root / Page));
        Assert.Equal(k.DomainOf(vm), k.Frames.Owner(root / Page));
        Assert.True(k.Core.VmTable(k.Vm(vm)).IsRangeUnmapped(0, 0x0000_8000_0000_0000));
        Assert.Equal(0UL, k.Frames.Count(FrameState.GuestPrivate));
    }

    [Fact]
    public void EachVmIsItsOwnDomain()
    {
        var k = Create();
        ulong a = k.CreateVm(), b = k.CreateVm();
        Assert.Equal(1UL, b);
        Assert.NotEqual(k.DomainOf(a), k.DomainOf(b));
        Assert.NotEqual(k.Vm(a).NestedRoot, k.Vm(b).NestedRoot);
    }

    [Fact]
    public void AVmCannotCreateVms()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        k.Fails(HypercallStatus.InsufficientRights, k.DomainOf(vm), Hypercall.VmCreate);
    }

    [Fact]
    public void RunsOutOfVms()
    {
        var k = Create();
        k.CreateVm();
        k.CreateVm();
        k.Fails(HypercallStatus.OutOfResources, Dom0, Hypercall.VmCreate);
    }

    [Fact]
    public void RunsOutOfDom0CapabilitySlots()
    {
        var k = Create(64, c => { c.CapabilitySlots = 1; return c; });
        k.CreateVm();
        k.Fails(HypercallStatus.OutOfResources, Dom0, Hypercall.VmCreate);
    }

    [Fact]
    public void RunsOutOfCapabilitySlotsFilledByDerivation()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        for (int i = 1; i < 8; i++)
            k.Derive(vm, (ulong)VmRights.Measure);
        k.Fails(HypercallStatus.OutOfResources, Dom0, Hypercall.VmCreate);
    }

    [Fact]
    public void RunsOutOfTableFramesForTheRoot()
    {
        // Dom0's own table takes all 4 pool frames.
        var k = Create(64, c => { c.TablePoolFrames = 4; return c; });
        Assert.Equal(0UL, k.FreeFrames);
        k.Fails(HypercallStatus.OutOfResources, Dom0, Hypercall.VmCreate);
    }

    [Fact]
    public void ARecreatedVmStartsClean()
    {
        var k = Create();
        ulong first = k.CreateVmWithMemory(0x20000, 2);
        k.CreateVcpu(first);
        k.Ok(Dom0, Hypercall.VmLoad, first, GuestBase, 0x30000, Page, 0);
        k.Ok(Dom0, Hypercall.VmFinalize, first);
        uint generation = k.Vm(first).Generation;
        k.Ok(Dom0, Hypercall.VmDestroy, first);

        ulong again = k.CreateVm();
        VirtualMachine vm = k.Vm(again);
        Assert.Equal((ushort)1, vm.Domain);
        Assert.Equal(generation + 1, vm.Generation);
        Assert.Equal(VmState.Building, vm.State);
        Assert.Equal(0, vm.VcpuCount);
        Assert.True(k.Core.VmTable(vm).IsRangeUnmapped(0, 0x0000_8000_0000_0000));
        Assert.Equal(generation + 1, k.Dom0Capability(again).Generation);
        Assert.Equal(generation + 1, vm.Capabilities.Get(0).Generation);
        for (int slot = 1; slot < vm.Capabilities.SlotCount; slot++)
            Assert.True(vm.Capabilities.Get((ulong)slot).IsEmpty);
        // A fresh measurement: finalizing at once gives the digest of an empty launch.
        k.Ok(Dom0, Hypercall.VmFinalize, again);
        Assert.Equal(new ExpectedMeasurement().Finish(0), ((System.ReadOnlySpan<byte>)vm.LaunchDigest).ToArray());
    }
}
