using Redoubt.Abi;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Paging;
using Xunit;
using static Redoubt.Kernel.Tests.Hypercalls.CheckedCore;

namespace Redoubt.Kernel.Tests.Hypercalls;

public class MemDonateTests
{
    private const ulong Host = 0x20000; // frame 32, Dom0's

    [Fact]
    public void DonatedFramesAreZeroInTheVmAndGoneFromDom0()
    {
        var k = Create();
        k.Fill(Host, 4, 0x40);
        ulong vm = k.CreateVm();
        ushort domain = k.DomainOf(vm);
        ulong flushes = k.Core.TlbFlushes;

        k.Ok(Dom0, Hypercall.MemDonate, vm, Host, 4, GuestBase);

        for (ulong p = 0; p < 4; p++)
        {
            ulong frame = Host / Page + p;
            Assert.Equal(FrameState.GuestPrivate, k.Frames.State(frame));
            Assert.Equal(domain, k.Frames.Owner(frame));
            Assert.Equal(GuestBase / Page + p, k.Frames.GuestFrame(frame));
            Assert.True(k.IsZero(frame), $"frame {frame} still holds Dom0's data");
            Assert.False(k.Core.Dom0Table.Translate(frame * Page, out _, out _));
            Assert.True(k.Core.VmTable(k.Vm(vm)).Translate(GuestBase + p * Page + 0x123, out ulong physical, out PageAttributes rights));
            Assert.Equal(frame * Page + 0x123, physical);
            Assert.Equal(PageAttributes.Writable | PageAttributes.Executable, rights);
        }
        Assert.True(k.Dom0Maps(Host - Page));
        Assert.True(k.Dom0Maps(Host + 4 * Page));
        Assert.Equal(flushes + 1, k.Core.TlbFlushes);
        Assert.Equal(4UL, k.Frames.Count(FrameState.GuestPrivate));
        Assert.Equal(42UL, k.Frames.Count(FrameState.Dom0));
    }

    [Fact]
    public void TheTopPageOfGuestPhysicalSpaceCanBeDonated()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        k.Ok(Dom0, Hypercall.MemDonate, vm, Host, 1, 0x7FFF_FFFF_F000);
        Assert.Equal(Host, k.GuestToPhysical(vm, 0x7FFF_FFFF_F000));
    }

    [Fact]
    public void SeveralDonationsBuildOneGuestAddressSpace()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        k.Ok(Dom0, Hypercall.MemDonate, vm, Host + 3 * Page, 1, GuestBase);
        k.Ok(Dom0, Hypercall.MemDonate, vm, Host, 2, GuestBase + Page);
        k.Ok(Dom0, Hypercall.MemDonate, vm, 0x3F000, 1, 0x4000_0000);
        Assert.Equal(Host + 3 * Page, k.GuestToPhysical(vm, GuestBase));
        Assert.Equal(Host, k.GuestToPhysical(vm, GuestBase + Page));
        Assert.Equal(Host + Page, k.GuestToPhysical(vm, GuestBase + 2 * Page));
        Assert.Equal(0x3F000UL, k.GuestToPhysical(vm, 0x4000_0000));
    }

    [Fact]
    public void DonationAfterFinalizeAddsZeroPagesAndKeepsTheLaunchDigest()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 1);
        k.Ok(Dom0, Hypercall.VmFinalize, vm);
        byte[] digest = ((System.ReadOnlySpan<byte>)k.Vm(vm).LaunchDigest).ToArray();
        k.Fill(0x30000, 1, 7);
        k.Ok(Dom0, Hypercall.MemDonate, vm, 0x30000, 1, GuestBase + Page);
        Assert.True(k.IsZero(0x30));
        Assert.Equal(digest, ((System.ReadOnlySpan<byte>)k.Vm(vm).LaunchDigest).ToArray());
    }

    [Fact]
    public void AVmCannotDonate()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 2);
        k.Fails(HypercallStatus.NotOwned, k.DomainOf(vm), Hypercall.MemDonate, 0, GuestBase, 1, 0x100000);
        k.Fails(HypercallStatus.NotOwned, k.DomainOf(vm), Hypercall.MemDonate, 0, 0x30000, 1, 0x100000);
    }

    [Theory]
    [InlineData(Host + 1, 1UL, GuestBase)]                          // misaligned host address
    [InlineData(Host + 0x800, 1UL, GuestBase)]
    [InlineData(Host, 1UL, GuestBase + 1)]                          // misaligned guest address
    [InlineData(Host, 1UL, GuestBase + 0xFFF)]
    [InlineData(Host, 0UL, GuestBase)]                              // zero pages
    [InlineData(Host, 65UL, GuestBase)]                             // more than MaxPagesPerCall (64)
    [InlineData(Host, 1UL << 52, GuestBase)]                        // page count whose length overflows
    [InlineData(0xFFFF_FFFF_FFFF_F000UL, 2UL, GuestBase)]           // host range wraps
    [InlineData(Host, 2UL, 0xFFFF_FFFF_FFFF_F000UL)]                // guest range wraps
    [InlineData(Host, 2UL, 0x7FFF_FFFF_F000UL)]                     // guest range crosses 2^47
    [InlineData(Host, 1UL, 0x0000_8000_0000_0000UL)]                // guest range beyond 2^47
    [InlineData(Host, 1UL, 0xFFFF_8000_0000_0000UL)]
    public void MalformedRangesAreInvalidArguments(ulong host, ulong pages, ulong guest)
    {
        var k = Create();
        ulong vm = k.CreateVm();
        k.Fails(HypercallStatus.InvalidArgument, Dom0, Hypercall.MemDonate, vm, host, pages, guest);
    }

    [Fact]
    public void ThePerCallPageBoundIsExact()
    {
        var k = Create(64, c => { c.MaxPagesPerCall = 4; return c; });
        ulong vm = k.CreateVm();
        k.Fails(HypercallStatus.InvalidArgument, Dom0, Hypercall.MemDonate, vm, Host, 5, GuestBase);
        k.Ok(Dom0, Hypercall.MemDonate, vm, Host, 4, GuestBase);
    }

    [Theory]
    [InlineData(0x0UL, 1UL)]       // hypervisor frame
    [InlineData(0x1000UL, 2UL)]    // hypervisor frame, then the table pool
    [InlineData(0x2000UL, 1UL)]    // a free pool frame (the pool hands out frames 17, 16, ... first)
    [InlineData(0x11000UL, 1UL)]   // Dom0's root table (PageTable)
    [InlineData(0xE000UL, 1UL)]    // Dom0's last-level table
    [InlineData(0x11000UL, 2UL)]   // starts in a table frame, ends in Dom0's memory
    [InlineData(0x3F000UL, 2UL)]   // runs off the end of the machine
    [InlineData(0x40000UL, 1UL)]   // beyond the machine
    [InlineData(0x1000_0000UL, 64UL)]
    public void FramesThatAreNotDom0sAreNotOwned(ulong host, ulong pages)
    {
        var k = Create();
        ulong vm = k.CreateVm();
        k.Fails(HypercallStatus.NotOwned, Dom0, Hypercall.MemDonate, vm, host, pages, GuestBase);
    }

    [Fact]
    public void AVmsTableFramesAreNotOwned()
    {
        var k = Create();
        ulong a = k.CreateVmWithMemory(Host, 1);
        ulong b = k.CreateVm();
        ulong root = k.Vm(a).NestedRoot;
        k.Fails(HypercallStatus.NotOwned, Dom0, Hypercall.MemDonate, b, root, 1, GuestBase);
        k.Fails(HypercallStatus.NotOwned, Dom0, Hypercall.MemDonate, a, root, 1, 0x100000);
    }

    [Fact]
    public void AnotherVmsFramesAreNotOwned()
    {
        var k = Create();
        ulong a = k.CreateVmWithMemory(Host, 4);
        ulong b = k.CreateVm();
        k.Ok(k.DomainOf(a), Hypercall.MemShare, 0, GuestBase + 3 * Page, 1);
        // Private frames of A.
        k.Fails(HypercallStatus.NotOwned, Dom0, Hypercall.MemDonate, b, Host, 1, GuestBase);
        k.Fails(HypercallStatus.NotOwned, Dom0, Hypercall.MemDonate, b, Host - Page, 2, GuestBase);
        // A's shared frame: in Dom0's table, but not Dom0's to give.
        Assert.True(k.Dom0Maps(Host + 3 * Page));
        k.Fails(HypercallStatus.NotOwned, Dom0, Hypercall.MemDonate, b, Host + 3 * Page, 1, GuestBase);
        k.Fails(HypercallStatus.NotOwned, Dom0, Hypercall.MemDonate, b, Host + 3 * Page, 2, GuestBase);
        // Nor to give to A again, at another address.
        k.Fails(HypercallStatus.NotOwned, Dom0, Hypercall.MemDonate, a, Host, 1, 0x100000);
    }

    [Fact]
    public void AMappedTargetIsAlreadyMapped()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 4);
        k.Fails(HypercallStatus.AlreadyMapped, Dom0, Hypercall.MemDonate, vm, 0x30000, 1, GuestBase);
        k.Fails(HypercallStatus.AlreadyMapped, Dom0, Hypercall.MemDonate, vm, 0x30000, 2, GuestBase + 3 * Page);
        k.Fails(HypercallStatus.AlreadyMapped, Dom0, Hypercall.MemDonate, vm, 0x30000, 2, GuestBase - Page);
        k.Fails(HypercallStatus.AlreadyMapped, Dom0, Hypercall.MemDonate, vm, 0x30000, 8, GuestBase - 2 * Page);
        k.Ok(Dom0, Hypercall.MemDonate, vm, 0x30000, 1, GuestBase + 4 * Page);
    }

    [Fact]
    public void RunsOutOfTableFrames()
    {
        // Pool of 7: Dom0's table takes 4, the VM's root 1; a first mapping needs 3 more.
        var k = Create(64, c => { c.TablePoolFrames = 7; return c; });
        ulong vm = k.CreateVm();
        Assert.Equal(2UL, k.FreeFrames);
        k.Fails(HypercallStatus.OutOfResources, Dom0, Hypercall.MemDonate, vm, 0x20000, 1, GuestBase);
        ulong other = k.CreateVm();
        k.Fails(HypercallStatus.OutOfResources, Dom0, Hypercall.MemDonate, other, 0x20000, 1, GuestBase);
    }

    [Fact]
    public void UsesExactlyTheTableFramesThatAreLeft()
    {
        // Pool of 8: after the VM's root, exactly the 3 tables a first mapping needs.
        var k = Create(64, c => { c.TablePoolFrames = 8; return c; });
        ulong vm = k.CreateVm();
        Assert.Equal(3UL, k.FreeFrames);
        k.Ok(Dom0, Hypercall.MemDonate, vm, 0x20000, 4, GuestBase);
        Assert.Equal(0UL, k.FreeFrames);
        // Same 2 MiB region: no table needed; another one: one table, none left.
        k.Ok(Dom0, Hypercall.MemDonate, vm, 0x24000, 1, GuestBase + 4 * Page);
        k.Fails(HypercallStatus.OutOfResources, Dom0, Hypercall.MemDonate, vm, 0x25000, 1, 0x400000);
    }

    [Fact]
    public void CapabilityProblemsComeFirst()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ulong vcpu = k.CreateVcpu(vm);
        ulong weak = k.Derive(vm, (ulong)(VmRights.Owner & ~VmRights.Donate));
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.MemDonate, 5, Host, 1, GuestBase);
        k.Fails(HypercallStatus.WrongObjectType, Dom0, Hypercall.MemDonate, vcpu, Host, 1, GuestBase);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.MemDonate, weak, Host, 1, GuestBase);
        // Even with arguments that are wrong as well.
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.MemDonate, weak, Host + 1, 0, GuestBase + 1);
        ulong strong = k.Derive(vm, (ulong)VmRights.Donate);
        k.Ok(Dom0, Hypercall.MemDonate, strong, Host, 1, GuestBase);
    }
}
