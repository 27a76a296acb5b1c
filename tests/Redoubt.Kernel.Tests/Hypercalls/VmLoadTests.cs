using Redoubt.Abi;
using Redoubt.Kernel.Paging;
using Xunit;
using static Redoubt.Kernel.Tests.Hypercalls.CheckedCore;

namespace Redoubt.Kernel.Tests.Hypercalls;

public class VmLoadTests
{
    private const ulong Host = 0x20000, Source = 0x30000;

    [Fact]
    public void CopiesTheSourceIntoTheVmsPages()
    {
        var k = Create();
        k.Fill(Source, 3, 0x60);
        byte[] source = k.ReadPhysical(Source, 3 * (int)Page);
        ulong vm = k.CreateVmWithMemory(Host, 4);

        k.Ok(Dom0, Hypercall.VmLoad, vm, GuestBase + Page, Source, 3 * Page, 0);

        Assert.True(k.IsZero(k.GuestToPhysical(vm, GuestBase) / Page));
        for (ulong p = 0; p < 3; p++)
        {
            ulong physical = k.GuestToPhysical(vm, GuestBase + (p + 1) * Page);
            Assert.Equal(source[(int)(p * Page)..(int)((p + 1) * Page)], k.ReadPhysical(physical, (int)Page));
        }
        Assert.Equal(source, k.ReadPhysical(Source, 3 * (int)Page)); // the source stays as it was
    }

    [Fact]
    public void CopiesFromASourceThatIsNotPageAligned()
    {
        var k = Create();
        k.Fill(Source, 3, 0x70);
        ulong vm = k.CreateVmWithMemory(Host, 2);
        k.Ok(Dom0, Hypercall.VmLoad, vm, GuestBase, Source + 0x123, 2 * Page, 0);
        // The two donated frames are adjacent, so the VM's two pages read as one run.
        Assert.Equal(Host + Page, k.GuestToPhysical(vm, GuestBase + Page));
        Assert.Equal(k.ReadPhysical(Source + 0x123, 2 * (int)Page), k.ReadPhysical(Host, 2 * (int)Page));
    }

    [Fact]
    public void ReloadingAPageReplacesItsContent()
    {
        var k = Create();
        k.Fill(Source, 2, 0x01);
        ulong vm = k.CreateVmWithMemory(Host, 1);
        k.Ok(Dom0, Hypercall.VmLoad, vm, GuestBase, Source, Page, 0);
        k.Ok(Dom0, Hypercall.VmLoad, vm, GuestBase, Source + Page, Page, 0);
        Assert.Equal(k.ReadPhysical(Source + Page, (int)Page), k.ReadPhysical(Host, (int)Page));
    }

    // PageMeasureFlags decide the VM's rights on the loaded page, as the ABI says.
    [Theory]
    [InlineData(PageMeasureFlags.None, PageAttributes.Writable)]
    [InlineData(PageMeasureFlags.Executable, PageAttributes.Writable | PageAttributes.Executable)]
    [InlineData(PageMeasureFlags.ReadOnly, PageAttributes.ReadOnly)]
    [InlineData(PageMeasureFlags.All, PageAttributes.Executable)]
    public void FlagsSetTheVmsRightsOnThePage(PageMeasureFlags flags, PageAttributes expected)
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 3);
        ulong flushes = k.Core.TlbFlushes;
        k.Ok(Dom0, Hypercall.VmLoad, vm, GuestBase + Page, Source, Page, (ulong)flags);
        var table = k.Core.VmTable(k.Vm(vm));
        Assert.True(table.Translate(GuestBase + Page, out _, out PageAttributes rights));
        Assert.Equal(expected, rights);
        // Neighbours keep the rights donation gave them.
        Assert.True(table.Translate(GuestBase, out _, out rights));
        Assert.Equal(PageAttributes.Writable | PageAttributes.Executable, rights);
        Assert.True(table.Translate(GuestBase + 2 * Page, out _, out rights));
        Assert.Equal(PageAttributes.Writable | PageAttributes.Executable, rights);
        // Taking rights away needs a flush; keeping them does not.
        Assert.Equal(flags == PageMeasureFlags.Executable ? flushes : flushes + 1, k.Core.TlbFlushes);
    }

    [Fact]
    public void ReloadingAPageWithOtherFlagsChangesItsRightsAgain()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 1);
        k.Ok(Dom0, Hypercall.VmLoad, vm, GuestBase, Source, Page, (ulong)PageMeasureFlags.ReadOnly);
        k.Ok(Dom0, Hypercall.VmLoad, vm, GuestBase, Source, Page, (ulong)PageMeasureFlags.Executable);
        Assert.True(k.Core.VmTable(k.Vm(vm)).Translate(GuestBase, out _, out PageAttributes rights));
        Assert.Equal(PageAttributes.Writable | PageAttributes.Executable, rights);
    }

    [Fact]
    public void AVmMayLoadItselfFromAReadOnlyPage()
    {
        var k = Create();
        k.Fill(Source, 1, 0x21);
        ulong vm = k.CreateVmWithMemory(Host, 2);
        k.Ok(Dom0, Hypercall.VmLoad, vm, GuestBase, Source, Page, (ulong)PageMeasureFlags.ReadOnly);
        k.Ok(k.DomainOf(vm), Hypercall.VmLoad, 0, GuestBase + Page, GuestBase, Page, 0);
        Assert.Equal(k.ReadPhysical(Source, (int)Page), k.ReadPhysical(Host + Page, (int)Page));
    }

    [Fact]
    public void AFinalizedVmTakesNoMoreImage()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 2);
        k.Ok(Dom0, Hypercall.VmFinalize, vm);
        k.Fails(HypercallStatus.InvalidState, Dom0, Hypercall.VmLoad, vm, GuestBase, Source, Page, 0);
        k.Fails(HypercallStatus.InvalidState, Dom0, Hypercall.VmLoad, vm, GuestBase + 1, Source, 5, 8);
        k.Fails(HypercallStatus.InvalidState, k.DomainOf(vm), Hypercall.VmLoad, 0, GuestBase, GuestBase + Page, Page, 0);
    }

    [Theory]
    [InlineData(GuestBase, Page, 4UL)]                  // unknown flag bit
    [InlineData(GuestBase, Page, 1UL << 63)]
    [InlineData(GuestBase, 4095UL, 0UL)]                // not whole pages
    [InlineData(GuestBase, 4097UL, 0UL)]
    [InlineData(GuestBase, 1UL, 0UL)]
    [InlineData(GuestBase, 0UL, 0UL)]                   // nothing
    [InlineData(GuestBase + 1, Page, 0UL)]              // misaligned guest address
    [InlineData(GuestBase + 0x800, Page, 0UL)]
    [InlineData(GuestBase, 65 * Page, 0UL)]             // more than MaxPagesPerCall
    [InlineData(0xFFFF_FFFF_FFFF_F000UL, 2 * Page, 0UL)] // wraps
    [InlineData(0x7FFF_FFFF_F000UL, 2 * Page, 0UL)]     // crosses 2^47
    [InlineData(0x0001_0000_0001_0000UL, Page, 0UL)]    // beyond guest-physical space
    public void MalformedArgumentsAreInvalid(ulong guest, ulong length, ulong flags)
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 4);
        k.Fails(HypercallStatus.InvalidArgument, Dom0, Hypercall.VmLoad, vm, guest, Source, length, flags);
    }

    [Fact]
    public void UnmappedDestinationsAreNotMapped()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 4);
        k.Fails(HypercallStatus.NotMapped, Dom0, Hypercall.VmLoad, vm, 0x100000, Source, Page, 0);
        k.Fails(HypercallStatus.NotMapped, Dom0, Hypercall.VmLoad, vm, GuestBase + 3 * Page, Source, 2 * Page, 0);
        k.Fails(HypercallStatus.NotMapped, Dom0, Hypercall.VmLoad, vm, GuestBase - Page, Source, 2 * Page, 0);
        // The destination is checked before the source.
        k.Fails(HypercallStatus.NotMapped, Dom0, Hypercall.VmLoad, vm, 0x100000, 0, Page, 0);
    }

    [Fact]
    public void ASharedPageCannotBeLoaded()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 2);
        k.Ok(k.DomainOf(vm), Hypercall.MemShare, 0, GuestBase + Page, 1);
        k.Fails(HypercallStatus.InvalidState, Dom0, Hypercall.VmLoad, vm, GuestBase + Page, Source, Page, 0);
        k.Fails(HypercallStatus.InvalidState, Dom0, Hypercall.VmLoad, vm, GuestBase, Source, 2 * Page, 0);
        k.Ok(Dom0, Hypercall.VmLoad, vm, GuestBase, Source, Page, 0);
    }

    [Theory]
    [InlineData(0x0UL, 1UL)]                   // hypervisor frame
    [InlineData(0x11000UL, 1UL)]               // Dom0's root table
    [InlineData(0x2000UL, 1UL)]                // a free pool frame
    [InlineData(0x3F000UL, 2UL)]               // runs off the end of the machine
    [InlineData(0x3F800UL, 1UL)]
    [InlineData(0x40000UL, 1UL)]               // beyond the machine
    [InlineData(0xFFFF_FFFF_FFFF_F000UL, 2UL)] // wraps
    [InlineData(0x0001_0000_0003_0000UL, 1UL)] // would alias Source in a 48-bit walk
    [InlineData(Host, 1UL)]                    // donated: the VM's now
    [InlineData(Host - 0x800, 1UL)]
    public void SourcesOutsideTheCallersMemoryAreInvalidBuffers(ulong source, ulong pages)
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 4);
        k.Fails(HypercallStatus.InvalidBuffer, Dom0, Hypercall.VmLoad, vm, GuestBase, source, pages * Page, 0);
    }

    [Fact]
    public void CapabilityProblemsComeFirst()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 2);
        ulong vcpu = k.CreateVcpu(vm);
        ulong weak = k.Derive(vm, (ulong)(VmRights.Owner & ~VmRights.Load));
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.VmLoad, 7, GuestBase, Source, Page, 0);
        k.Fails(HypercallStatus.WrongObjectType, Dom0, Hypercall.VmLoad, vcpu, GuestBase, Source, Page, 0);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.VmLoad, weak, GuestBase, Source, Page, 0);
        ulong strong = k.Derive(vm, (ulong)VmRights.Load);
        k.Ok(Dom0, Hypercall.VmLoad, strong, GuestBase, Source, Page, 0);
    }
}
