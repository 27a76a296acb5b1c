using System;
using Redoubt.Abi;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Objects;
using Xunit;
using static Redoubt.Kernel.Tests.Hypercalls.CheckedCore;

namespace Redoubt.Kernel.Tests.Hypercalls;

public class VmDestroyTests
{
    private const ulong Host = 0x20000, Source = 0x30000;

    [Fact]
    public void ReturnsEveryFrameZeroedAndMappedAgainInDom0()
    {
        var k = Create();
        ulong freeBefore = k.FreeFrames;
        k.Fill(Source, 4, 0x10);
        ulong vm = k.CreateVmWithMemory(Host, 4);
        ushort domain = k.DomainOf(vm);
        k.Ok(Dom0, Hypercall.VmLoad, vm, GuestBase, Source, 4 * Page, 0);
        k.Ok(domain, Hypercall.MemShare, 0, GuestBase + 2 * Page, 1);
        k.CreateVcpu(vm);
        k.CreateVcpu(vm);
        ulong flushes = k.Core.TlbFlushes;

        k.Ok(Dom0, Hypercall.VmDestroy, vm);

        for (ulong frame = Host / Page; frame < Host / Page + 4; frame++)
        {
            Assert.Equal(FrameState.Dom0, k.Frames.State(frame));
            Assert.Equal(Dom0, k.Frames.Owner(frame));
            Assert.True(k.IsZero(frame), $"frame {frame} not scrubbed");
            Assert.True(k.Dom0Maps(frame * Page));
        }
        Assert.Equal(freeBefore, k.FreeFrames);
        Assert.Equal(0UL, k.Frames.Count(FrameState.GuestPrivate) + k.Frames.Count(FrameState.GuestShared));
        Assert.True(k.Core.TlbFlushes > flushes);
        foreach (VirtualCpu vcpu in k.Core.Vcpus)
            Assert.False(vcpu.InUse);
        Assert.Equal(VmState.Free, k.Core.Vms[domain - 1].State);
        InfoRecord record = InfoOf(k);
        Assert.Equal(0UL, record.VmCount);
        Assert.Equal(0UL, record.VcpuCount);
    }

    // Slots naming the VM are emptied; Dom0's vCPU slots stay, stale, until Dom0 revokes them.
    [Fact]
    public void EmptiesDom0sSlotsNamingTheVmAndLeavesStaleVcpuSlotsToRevoke()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ulong measure = k.Derive(vm, (ulong)VmRights.Measure);
        ulong first = k.CreateVcpu(vm);
        ulong second = k.CreateVcpu(vm);
        ulong run = k.Derive(second, (ulong)VcpuRights.Run);
        k.Ok(Dom0, Hypercall.VmDestroy, vm);
        Assert.True(k.Dom0Capability(vm).IsEmpty);
        Assert.True(k.Dom0Capability(measure).IsEmpty);
        foreach (ulong stale in new[] { first, second, run })
        {
            Assert.False(k.Dom0Capability(stale).IsEmpty);
            k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.VcpuRun, stale, 0x30000, ExitMessage.Size);
        }
        k.Ok(Dom0, Hypercall.CapRevoke, second);
        Assert.True(k.Dom0Capability(second).IsEmpty);
        Assert.True(k.Dom0Capability(run).IsEmpty);
        k.Ok(Dom0, Hypercall.CapRevoke, first);
        for (ulong slot = 0; slot < 8; slot++)
            Assert.True(k.Dom0Capability(slot).IsEmpty, $"slot {slot} still holds a capability");
    }

    [Fact]
    public void RepeatedCreateAndDestroyReusesEverything()
    {
        var k = Create();
        ulong free = k.FreeFrames;
        for (int round = 0; round < 10; round++)
        {
            ulong vm = k.CreateVmWithMemory(Host, 2);
            ulong a = k.CreateVcpu(vm);
            ulong b = k.CreateVcpu(vm);
            k.Ok(Dom0, Hypercall.VmDestroy, vm);
            k.Ok(Dom0, Hypercall.CapRevoke, a);
            k.Ok(Dom0, Hypercall.CapRevoke, b);
            Assert.Equal(free, k.FreeFrames);
        }
    }

    [Fact]
    public void StaleCapabilitiesFailEverywhere()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 2);
        ulong vcpu = k.CreateVcpu(vm);
        k.WriteStruct(Source, ValidState());
        k.Ok(Dom0, Hypercall.VmDestroy, vm);

        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.VmDestroy, vm);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.MemDonate, vm, 0x28000, 1, GuestBase);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.MemReclaim, vm, GuestBase, 1);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.VmLoad, vm, GuestBase, Source, Page, 0);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.VmFinalize, vm);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.VcpuCreate, vm);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.VmReport, vm, Source, CvmReport.Size);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.VcpuSetState, vcpu, Source, VcpuState.Size);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.VcpuRun, vcpu, Source, ExitMessage.Size);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.CapDerive, vm, ulong.MaxValue);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.CapRevoke, vm);
        // Revoking the stale vCPU slot frees it.
        k.Ok(Dom0, Hypercall.CapRevoke, vcpu);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.CapRevoke, vcpu);
    }

    [Fact]
    public void DestroyingOneVmLeavesTheOtherIntact()
    {
        var k = Create();
        k.Fill(Source, 2, 0x33);
        ulong a = k.CreateVmWithMemory(Host, 2);
        ulong b = k.CreateVmWithMemory(Host + 2 * Page, 2);
        k.Ok(Dom0, Hypercall.VmLoad, b, GuestBase, Source, 2 * Page, 0);
        k.CreateVcpu(b);
        k.Ok(k.DomainOf(b), Hypercall.MemShare, 0, GuestBase + Page, 1);
        byte[] contentB = k.ReadPhysical(Host + 2 * Page, 2 * (int)Page);
        ushort domainB = k.DomainOf(b);

        k.Ok(Dom0, Hypercall.VmDestroy, a);

        Assert.Equal(contentB, k.ReadPhysical(Host + 2 * Page, 2 * (int)Page));
        Assert.Equal(FrameState.GuestPrivate, k.Frames.State(Host / Page + 2));
        Assert.Equal(FrameState.GuestShared, k.Frames.State(Host / Page + 3));
        Assert.Equal(domainB, k.Frames.Owner(Host / Page + 2));
        Assert.Equal(Host + 2 * Page, k.GuestToPhysical(b, GuestBase));
        Assert.Equal(1, k.Vm(b).VcpuCount);
        k.Ok(Dom0, Hypercall.VmFinalize, b);
    }

    [Fact]
    public void AVmCannotDestroyItself()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        k.Fails(HypercallStatus.InvalidState, k.DomainOf(vm), Hypercall.VmDestroy, 0);
    }

    [Fact]
    public void NeedsTheDestroyRight()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ulong weak = k.Derive(vm, (ulong)(VmRights.Owner & ~VmRights.Destroy));
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.VmDestroy, weak);
        ulong none = k.Derive(vm, 0);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.VmDestroy, none);
    }

    [Fact]
    public void AVcpuCapabilityIsTheWrongType()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ulong vcpu = k.CreateVcpu(vm);
        k.Fails(HypercallStatus.WrongObjectType, Dom0, Hypercall.VmDestroy, vcpu);
    }

    private static InfoRecord InfoOf(CheckedCore k)
    {
        k.Ok(Dom0, Hypercall.Info, 0x3F000, InfoRecord.Size);
        return k.ReadStruct<InfoRecord>(0x3F000);
    }
}
