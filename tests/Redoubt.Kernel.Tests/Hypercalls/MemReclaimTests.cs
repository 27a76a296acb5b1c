using Redoubt.Abi;
using Redoubt.Kernel.Memory;
using Xunit;
using static Redoubt.Kernel.Tests.Hypercalls.CheckedCore;

namespace Redoubt.Kernel.Tests.Hypercalls;

public class MemReclaimTests
{
    private const ulong Host = 0x20000, Source = 0x30000;

    [Fact]
    public void ReclaimedFramesAreZeroAndMappedAgainInDom0()
    {
        var k = Create();
        k.Fill(Source, 4, 0x50);
        ulong vm = k.CreateVmWithMemory(Host, 4);
        k.Ok(Dom0, Hypercall.VmLoad, vm, GuestBase, Source, 4 * Page, 0);
        ulong free = k.FreeFrames;
        ulong flushes = k.Core.TlbFlushes;

        k.Ok(Dom0, Hypercall.MemReclaim, vm, GuestBase + Page, 2);

        for (ulong p = 1; p <= 2; p++)
        {
            ulong frame = Host / Page + p;
            Assert.Equal(FrameState.Dom0, k.Frames.State(frame));
            Assert.True(k.IsZero(frame), $"frame {frame} came back with the VM's data");
            Assert.True(k.Dom0Maps(frame * Page));
            Assert.False(k.Core.VmTable(k.Vm(vm)).Translate(GuestBase + p * Page, out _, out _));
        }
        // The rest of the VM is untouched.
        Assert.Equal(k.ReadPhysical(Source, (int)Page), k.ReadPhysical(k.GuestToPhysical(vm, GuestBase), (int)Page));
        Assert.Equal(k.ReadPhysical(Source + 3 * Page, (int)Page), k.ReadPhysical(k.GuestToPhysical(vm, GuestBase + 3 * Page), (int)Page));
        Assert.Equal(flushes + 1, k.Core.TlbFlushes);
        Assert.Equal(free, k.FreeFrames);
        Assert.Equal(2UL, k.Frames.Count(FrameState.GuestPrivate));
    }

    [Fact]
    public void ReclaimedFramesCanBeDonatedAgainAndAreZeroThere()
    {
        var k = Create();
        k.Fill(Source, 1, 0x99);
        ulong a = k.CreateVmWithMemory(Host, 1);
        k.Ok(Dom0, Hypercall.VmLoad, a, GuestBase, Source, Page, 0);
        k.Ok(Dom0, Hypercall.MemReclaim, a, GuestBase, 1);
        ulong b = k.CreateVm();
        k.Ok(Dom0, Hypercall.MemDonate, b, Host, 1, 0x200000);
        Assert.True(k.IsZero(Host / Page));
        Assert.Equal(k.DomainOf(b), k.Frames.Owner(Host / Page));
    }

    [Fact]
    public void ReclaimWorksAfterFinalize()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 2);
        k.Ok(Dom0, Hypercall.VmFinalize, vm);
        k.Ok(Dom0, Hypercall.MemReclaim, vm, GuestBase, 2);
        Assert.Equal(0UL, k.Frames.Count(FrameState.GuestPrivate));
    }

    [Fact]
    public void ASharedPageComesBackZeroAndStaysMappedOnce()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 2);
        k.Ok(k.DomainOf(vm), Hypercall.MemShare, 0, GuestBase, 2);
        k.Fill(Host, 2, 0x11); // Dom0 writes the shared pages
        k.Ok(Dom0, Hypercall.MemReclaim, vm, GuestBase, 1);
        Assert.Equal(FrameState.Dom0, k.Frames.State(Host / Page));
        Assert.True(k.IsZero(Host / Page));
        Assert.True(k.Dom0Maps(Host));
        Assert.Equal(FrameState.GuestShared, k.Frames.State(Host / Page + 1));
        Assert.False(k.IsZero(Host / Page + 1));
    }

    [Fact]
    public void AVmCannotReclaimFromItself()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 2);
        k.Fails(HypercallStatus.InvalidState, k.DomainOf(vm), Hypercall.MemReclaim, 0, GuestBase, 1);
    }

    [Theory]
    [InlineData(GuestBase + 1, 1UL)]
    [InlineData(GuestBase + 0x800, 1UL)]
    [InlineData(GuestBase, 0UL)]
    [InlineData(GuestBase, 65UL)]
    [InlineData(GuestBase, 1UL << 52)]
    [InlineData(0xFFFF_FFFF_FFFF_F000UL, 2UL)]
    [InlineData(0x7FFF_FFFF_F000UL, 2UL)]
    [InlineData(0x0000_8000_0000_0000UL, 1UL)]
    [InlineData(0x0001_0000_0001_0000UL, 1UL)] // would alias GuestBase in a 48-bit walk
    public void MalformedRangesAreInvalidArguments(ulong guest, ulong pages)
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 4);
        k.Fails(HypercallStatus.InvalidArgument, Dom0, Hypercall.MemReclaim, vm, guest, pages);
    }

    [Fact]
    public void UnmappedPagesAreNotMapped()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 4);
        k.Fails(HypercallStatus.NotMapped, Dom0, Hypercall.MemReclaim, vm, 0x100000, 1);
        k.Fails(HypercallStatus.NotMapped, Dom0, Hypercall.MemReclaim, vm, GuestBase - Page, 2);
        k.Fails(HypercallStatus.NotMapped, Dom0, Hypercall.MemReclaim, vm, GuestBase + 3 * Page, 2);
        k.Fails(HypercallStatus.NotMapped, Dom0, Hypercall.MemReclaim, vm, 0x7FFF_FFFF_F000, 1);
        k.Ok(Dom0, Hypercall.MemReclaim, vm, GuestBase + Page, 1);
        k.Fails(HypercallStatus.NotMapped, Dom0, Hypercall.MemReclaim, vm, GuestBase + Page, 1);
        k.Fails(HypercallStatus.NotMapped, Dom0, Hypercall.MemReclaim, vm, GuestBase, 4);
    }

    [Fact]
    public void AnEmptyVmHasNothingToReclaim()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        k.Fails(HypercallStatus.NotMapped, Dom0, Hypercall.MemReclaim, vm, 0, 1);
    }

    [Fact]
    public void CapabilityProblemsComeFirst()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 2);
        ulong vcpu = k.CreateVcpu(vm);
        ulong weak = k.Derive(vm, (ulong)(VmRights.Owner & ~VmRights.Reclaim));
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.MemReclaim, 6, GuestBase, 1);
        k.Fails(HypercallStatus.WrongObjectType, Dom0, Hypercall.MemReclaim, vcpu, GuestBase, 1);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.MemReclaim, weak, GuestBase, 1);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.MemReclaim, weak, GuestBase + 1, 0);
        ulong strong = k.Derive(vm, (ulong)VmRights.Reclaim);
        k.Ok(Dom0, Hypercall.MemReclaim, strong, GuestBase, 1);
    }
}
