using Redoubt.Abi;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Paging;
using Xunit;
using static Redoubt.Kernel.Tests.Hypercalls.CheckedCore;

namespace Redoubt.Kernel.Tests.Hypercalls;

// MemShare and MemUnshare: only the VM's own capability (slot 0 of its space) carries Share.
public class ShareTests
{
    private const ulong Host = 0x20000;

    [Fact]
    public void Dom0CannotShareAVmsMemory()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 2);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.MemShare, vm, GuestBase, 1);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.MemUnshare, vm, GuestBase, 1);
        // Deriving with every bit set does not add Share.
        ulong derived = k.Derive(vm, ulong.MaxValue);
        Assert.Equal((ulong)VmRights.Owner, k.Dom0Capability(derived).Rights);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.MemShare, derived, GuestBase, 1);
    }

    [Fact]
    public void SharedFramesAppearInDom0sTableAtTheirOwnAddress()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 4);
        ushort domain = k.DomainOf(vm);
        ulong flushes = k.Core.TlbFlushes;

        k.Ok(domain, Hypercall.MemShare, 0, GuestBase + Page, 2);

        for (ulong p = 1; p <= 2; p++)
        {
            ulong frame = Host / Page + p;
            Assert.Equal(FrameState.GuestShared, k.Frames.State(frame));
            Assert.Equal(domain, k.Frames.Owner(frame));
            Assert.True(k.Core.Dom0Table.Translate(frame * Page, out ulong physical, out PageAttributes rights));
            Assert.Equal(frame * Page, physical);
            Assert.Equal(PageAttributes.Writable, rights); // data only: never executable for Dom0
            Assert.Equal(frame * Page, k.GuestToPhysical(vm, GuestBase + p * Page));
        }
        Assert.False(k.Core.Dom0Table.Translate(Host, out _, out _));
        Assert.False(k.Core.Dom0Table.Translate(Host + 3 * Page, out _, out _));
        Assert.Equal(flushes, k.Core.TlbFlushes); // adding mappings needs no flush

        // Both sides see the same bytes (an I/O ring).
        k.WritePhysical(Host + Page + 100, "ring"u8);
        Assert.Equal("ring"u8.ToArray(), k.ReadPhysical(k.GuestToPhysical(vm, GuestBase + Page + 100), 4));
    }

    [Fact]
    public void UnsharedFramesLeaveDom0sTable()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 4);
        ushort domain = k.DomainOf(vm);
        k.Ok(domain, Hypercall.MemShare, 0, GuestBase, 4);
        k.Fill(Host, 4, 0x31);
        ulong flushes = k.Core.TlbFlushes;

        k.Ok(domain, Hypercall.MemUnshare, 0, GuestBase + Page, 2);

        Assert.Equal(FrameState.GuestShared, k.Frames.State(Host / Page));
        Assert.Equal(FrameState.GuestPrivate, k.Frames.State(Host / Page + 1));
        Assert.Equal(FrameState.GuestPrivate, k.Frames.State(Host / Page + 2));
        Assert.Equal(FrameState.GuestShared, k.Frames.State(Host / Page + 3));
        Assert.False(k.Core.Dom0Table.Translate(Host + Page, out _, out _));
        Assert.False(k.Core.Dom0Table.Translate(Host + 2 * Page, out _, out _));
        Assert.True(k.Dom0Maps(Host + 3 * Page));
        Assert.True(k.Core.TlbFlushes > flushes);
        Assert.False(k.IsZero(Host / Page + 1)); // the VM keeps its data
    }

    [Fact]
    public void ADerivedCapabilityOfTheVmCanShareIfItKeptTheRight()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 2);
        ushort domain = k.DomainOf(vm);
        ulong share = k.Derive(0, (ulong)VmRights.Share, domain);
        ulong other = k.Derive(0, (ulong)(VmRights.All & ~VmRights.Share), domain);
        k.Fails(HypercallStatus.InsufficientRights, domain, Hypercall.MemShare, other, GuestBase, 1);
        k.Ok(domain, Hypercall.MemShare, share, GuestBase, 1);
        k.Fails(HypercallStatus.InsufficientRights, domain, Hypercall.MemUnshare, other, GuestBase, 1);
        k.Ok(domain, Hypercall.MemUnshare, share, GuestBase, 1);
    }

    [Fact]
    public void AVmCanOnlyNameItsOwnCapabilities()
    {
        var k = Create();
        ulong a = k.CreateVmWithMemory(Host, 2);
        k.CreateVmWithMemory(Host + 2 * Page, 2);
        ushort domainA = k.DomainOf(a);
        ulong vcpu = k.CreateVcpu(0, domainA);
        k.Fails(HypercallStatus.InvalidCapability, domainA, Hypercall.MemShare, 2, GuestBase, 1);
        k.Fails(HypercallStatus.InvalidCapability, domainA, Hypercall.MemShare, 8, GuestBase, 1);
        k.Fails(HypercallStatus.WrongObjectType, domainA, Hypercall.MemShare, vcpu, GuestBase, 1);
        k.Fails(HypercallStatus.WrongObjectType, domainA, Hypercall.MemUnshare, vcpu, GuestBase, 1);
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
    [InlineData(0x0001_0000_0001_0000UL, 1UL)]
    public void MalformedRangesAreInvalidArguments(ulong guest, ulong pages)
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 4);
        ushort domain = k.DomainOf(vm);
        k.Fails(HypercallStatus.InvalidArgument, domain, Hypercall.MemShare, 0, guest, pages);
        k.Ok(domain, Hypercall.MemShare, 0, GuestBase, 4);
        k.Fails(HypercallStatus.InvalidArgument, domain, Hypercall.MemUnshare, 0, guest, pages);
    }

    [Fact]
    public void UnmappedPagesAreNotMapped()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 4);
        ushort domain = k.DomainOf(vm);
        k.Fails(HypercallStatus.NotMapped, domain, Hypercall.MemShare, 0, 0x100000, 1);
        k.Fails(HypercallStatus.NotMapped, domain, Hypercall.MemShare, 0, GuestBase + 3 * Page, 2);
        k.Fails(HypercallStatus.NotMapped, domain, Hypercall.MemUnshare, 0, GuestBase - Page, 2);
    }

    [Fact]
    public void PagesMustBeInTheStateTheCallChanges()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 4);
        ushort domain = k.DomainOf(vm);
        k.Fails(HypercallStatus.InvalidState, domain, Hypercall.MemUnshare, 0, GuestBase, 1);
        k.Ok(domain, Hypercall.MemShare, 0, GuestBase + Page, 1);
        k.Fails(HypercallStatus.InvalidState, domain, Hypercall.MemShare, 0, GuestBase + Page, 1);
        // A mixed range fails as a whole: nothing is shared or unshared.
        k.Fails(HypercallStatus.InvalidState, domain, Hypercall.MemShare, 0, GuestBase, 4);
        k.Fails(HypercallStatus.InvalidState, domain, Hypercall.MemUnshare, 0, GuestBase, 2);
    }

    [Fact]
    public void SharedFramesGoBackToDom0ZeroedWhenTheVmIsDestroyed()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 2);
        k.Ok(k.DomainOf(vm), Hypercall.MemShare, 0, GuestBase, 2);
        k.Fill(Host, 2, 0x44);
        k.Ok(Dom0, Hypercall.VmDestroy, vm);
        Assert.True(k.IsZero(Host / Page));
        Assert.True(k.IsZero(Host / Page + 1));
        Assert.Equal(FrameState.Dom0, k.Frames.State(Host / Page));
        Assert.True(k.Dom0Maps(Host));
    }

    [Fact]
    public void SharingWorksAfterFinalize()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 2);
        k.Ok(Dom0, Hypercall.VmFinalize, vm);
        k.Ok(k.DomainOf(vm), Hypercall.MemShare, 0, GuestBase, 2);
        k.Ok(k.DomainOf(vm), Hypercall.MemUnshare, 0, GuestBase, 1);
    }
}
