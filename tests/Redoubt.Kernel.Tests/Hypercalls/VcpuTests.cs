using Redoubt.Abi;
using Redoubt.Kernel.Capabilities;
using Redoubt.Kernel.Objects;
using Xunit;
using static Redoubt.Kernel.Tests.Hypercalls.CheckedCore;

namespace Redoubt.Kernel.Tests.Hypercalls;

// VcpuCreate, VcpuSetState and VcpuRun (defined, validated, not implemented until SVM).
public class VcpuTests
{
    private const ulong Host = 0x20000, Buffer = 0x30000;

    [Fact]
    public void CreateGivesACapabilityWithAllRightsAndIndicesInCreationOrder()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ulong first = k.CreateVcpu(vm);
        ulong second = k.CreateVcpu(vm);
        Assert.Equal(1UL, first);
        Assert.Equal(2UL, second);
        Capability capability = k.Dom0Capability(second);
        Assert.Equal(ObjectType.Vcpu, capability.Type);
        Assert.Equal((ulong)VcpuRights.All, capability.Rights);
        Assert.Equal(Capability.NoParent, capability.Parent);
        Assert.Equal(0, k.Vcpu(first).Index);
        Assert.Equal(1, k.Vcpu(second).Index);
        Assert.Equal(k.DomainOf(vm), k.Vcpu(second).VmDomain);
        Assert.True(k.Vcpu(second).InUse);
        Assert.Equal(default(VcpuState), k.Vcpu(second).State);
        Assert.Equal(2, k.Vm(vm).VcpuCount);
    }

    [Fact]
    public void AVmCanCreateItsOwnVcpus()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ushort domain = k.DomainOf(vm);
        ulong slot = k.CreateVcpu(0, domain);
        Assert.Equal(1UL, slot);
        Assert.Equal(ObjectType.Vcpu, k.Vm(vm).Capabilities.Get(slot).Type);
        Assert.True(k.Dom0Capability(1).IsEmpty);
    }

    [Fact]
    public void RunsOutOfVcpusPerVm()
    {
        var k = Create();
        ulong a = k.CreateVm(), b = k.CreateVm();
        k.CreateVcpu(a);
        k.CreateVcpu(a);
        k.Fails(HypercallStatus.OutOfResources, Dom0, Hypercall.VcpuCreate, a);
        k.Fails(HypercallStatus.OutOfResources, k.DomainOf(a), Hypercall.VcpuCreate, 0);
        k.CreateVcpu(b); // the limit is per VM
    }

    [Fact]
    public void RunsOutOfCapabilitySlots()
    {
        var k = Create(64, c => { c.CapabilitySlots = 2; return c; });
        ulong vm = k.CreateVm();
        k.CreateVcpu(vm);
        k.Fails(HypercallStatus.OutOfResources, Dom0, Hypercall.VcpuCreate, vm);
    }

    [Fact]
    public void CreateNeedsABuildingVmAndTheRight()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ulong vcpu = k.CreateVcpu(vm);
        ulong weak = k.Derive(vm, (ulong)(VmRights.Owner & ~VmRights.CreateVcpu));
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.VcpuCreate, 5);
        k.Fails(HypercallStatus.WrongObjectType, Dom0, Hypercall.VcpuCreate, vcpu);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.VcpuCreate, weak);
        k.Ok(Dom0, Hypercall.VmFinalize, vm);
        k.Fails(HypercallStatus.InvalidState, Dom0, Hypercall.VcpuCreate, vm);
    }

    [Fact]
    public void SetStateStoresTheState()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ulong vcpu = k.CreateVcpu(vm);
        VcpuState state = ValidState(0xFFFF_8000_0000_1000);
        state.Rflags = 0x3F7FD7;
        state.Cr0 = 0x8000_0011;
        state.Efer = 0x500;
        state.R15 = ulong.MaxValue;
        k.WriteStruct(Buffer + 0x10, state);
        k.Ok(Dom0, Hypercall.VcpuSetState, vcpu, Buffer + 0x10, VcpuState.Size + 100);
        Assert.Equal(state, k.Vcpu(vcpu).State);
    }

    [Fact]
    public void SetStateReadsABufferThatCrossesAPage()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ulong vcpu = k.CreateVcpu(vm);
        VcpuState state = ValidState(0x7000);
        k.WriteStruct(Buffer + Page - 50, state);
        k.Ok(Dom0, Hypercall.VcpuSetState, vcpu, Buffer + Page - 50, VcpuState.Size);
        Assert.Equal(state, k.Vcpu(vcpu).State);
    }

    [Fact]
    public void AVmCanSetItsOwnVcpusStateFromItsMemory()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 1);
        ushort domain = k.DomainOf(vm);
        ulong vcpu = k.CreateVcpu(0, domain);
        VcpuState state = ValidState(0x2000);
        k.WriteStruct(Host + 8, state);
        k.Ok(domain, Hypercall.VcpuSetState, vcpu, GuestBase + 8, VcpuState.Size);
        Assert.Equal(state, k.Core.Vcpus[k.Vm(vm).Capabilities.Get(vcpu).ObjectIndex].State);
    }

    public static TheoryData<string, VcpuState> BadStates()
    {
        var data = new TheoryData<string, VcpuState>();
        VcpuState state = ValidState();
        state.Rip = 0x0000_8000_0000_0000;
        data.Add("RIP not canonical", state);
        state = ValidState();
        state.Rip = 0xFFFF_7FFF_FFFF_FFFF;
        data.Add("RIP not canonical (high)", state);
        state = ValidState();
        state.Rsp = 0x1234_5678_0000_0000;
        data.Add("RSP not canonical", state);
        state = ValidState();
        state.Rflags = 0;
        data.Add("RFLAGS bit 1 clear", state);
        foreach (int bit in new[] { 3, 5, 15, 22, 31, 63 })
        {
            state = ValidState();
            state.Rflags = 2 | (1UL << bit);
            data.Add($"RFLAGS reserved bit {bit}", state);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadStates))]
    public void SetStateRejectsImpossibleRegisterValues(string why, VcpuState state)
    {
        var k = Create();
        ulong vcpu = k.CreateVcpu(k.CreateVm());
        k.WriteStruct(Buffer, state);
        Assert.False(string.IsNullOrEmpty(why));
        k.Fails(HypercallStatus.InvalidArgument, Dom0, Hypercall.VcpuSetState, vcpu, Buffer, VcpuState.Size);
    }

    [Theory]
    [InlineData(Buffer, (ulong)VcpuState.Size - 1)]
    [InlineData(Buffer, 0UL)]
    [InlineData(0x0UL, (ulong)VcpuState.Size)]
    [InlineData(0x11000UL, (ulong)VcpuState.Size)]
    [InlineData(0x3FFA0UL, (ulong)VcpuState.Size)]
    [InlineData(0x40000UL, (ulong)VcpuState.Size)]
    [InlineData(0xFFFF_FFFF_FFFF_FFA0UL, (ulong)VcpuState.Size)]
    [InlineData(0x0001_0000_0003_0000UL, (ulong)VcpuState.Size)]
    [InlineData(Host, (ulong)VcpuState.Size)] // donated to the VM
    public void SetStateRejectsBuffersOutsideTheCallersMemory(ulong buffer, ulong length)
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 1);
        ulong vcpu = k.CreateVcpu(vm);
        k.WriteStruct(Buffer, ValidState());
        k.Fails(HypercallStatus.InvalidBuffer, Dom0, Hypercall.VcpuSetState, vcpu, buffer, length);
    }

    [Fact]
    public void SetStateNeedsABuildingVmAndTheRight()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ulong vcpu = k.CreateVcpu(vm);
        ulong runOnly = k.Derive(vcpu, (ulong)VcpuRights.Run);
        k.WriteStruct(Buffer, ValidState());
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.VcpuSetState, 6, Buffer, VcpuState.Size);
        k.Fails(HypercallStatus.WrongObjectType, Dom0, Hypercall.VcpuSetState, vm, Buffer, VcpuState.Size);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.VcpuSetState, runOnly, Buffer, VcpuState.Size);
        k.Ok(Dom0, Hypercall.VmFinalize, vm);
        k.Fails(HypercallStatus.InvalidState, Dom0, Hypercall.VcpuSetState, vcpu, Buffer, VcpuState.Size);
    }

    [Fact]
    public void RunIsDefinedButNotImplemented()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ulong vcpu = k.CreateVcpu(vm);
        k.Fails(HypercallStatus.InvalidState, Dom0, Hypercall.VcpuRun, vcpu, Buffer, ExitMessage.Size);
        k.Ok(Dom0, Hypercall.VmFinalize, vm);
        k.Fails(HypercallStatus.NotImplemented, Dom0, Hypercall.VcpuRun, vcpu, Buffer, ExitMessage.Size);
    }

    [Fact]
    public void RunChecksItsCapabilityAndBuffer()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 2);
        ushort domain = k.DomainOf(vm);
        ulong vcpu = k.CreateVcpu(vm);
        ulong stateOnly = k.Derive(vcpu, (ulong)VcpuRights.SetState);
        ulong own = k.CreateVcpu(0, domain);
        k.Ok(Dom0, Hypercall.VmLoad, vm, GuestBase, Buffer, Page, (ulong)PageMeasureFlags.ReadOnly);
        k.Ok(Dom0, Hypercall.VmFinalize, vm);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.VcpuRun, 7, Buffer, ExitMessage.Size);
        k.Fails(HypercallStatus.WrongObjectType, Dom0, Hypercall.VcpuRun, vm, Buffer, ExitMessage.Size);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.VcpuRun, stateOnly, Buffer, ExitMessage.Size);
        k.Fails(HypercallStatus.InvalidBuffer, Dom0, Hypercall.VcpuRun, vcpu, Buffer, ExitMessage.Size - 1);
        k.Fails(HypercallStatus.InvalidBuffer, Dom0, Hypercall.VcpuRun, vcpu, 0, ExitMessage.Size);
        k.Fails(HypercallStatus.InvalidBuffer, Dom0, Hypercall.VcpuRun, vcpu, 0x3FFF0, ExitMessage.Size);
        // The exit message is written: a read-only page will not do.
        k.Fails(HypercallStatus.InvalidBuffer, domain, Hypercall.VcpuRun, own, GuestBase, ExitMessage.Size);
        k.Fails(HypercallStatus.NotImplemented, domain, Hypercall.VcpuRun, own, GuestBase + Page, ExitMessage.Size);
    }
}
