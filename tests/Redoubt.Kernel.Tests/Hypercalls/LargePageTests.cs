using Redoubt.Abi;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Paging;
using Xunit;
using static Redoubt.Kernel.Tests.Hypercalls.CheckedCore;

namespace Redoubt.Kernel.Tests.Hypercalls;

// Hypercalls over 2 MiB leaves, on a 4 MiB machine: frames 0-1 hypervisor, 2-31 table pool,
// 32-1023 Dom0 (0x20000-0x3FFFFF), so 0x200000-0x3FFFFF is one aligned 2 MiB run of Dom0's.
public class LargePageTests
{
    private const ulong Run = 0x200000, Pages = 512;

    private static CheckedCore NewMachine() => Create(1024, c => { c.TablePoolFrames = 30; return c; });

    [Fact]
    public void AnAlignedDonationIsOneLargeLeafInTheVm()
    {
        var k = NewMachine();
        ulong dom0Tables = k.Core.Dom0Table.CountTables();
        k.Fill(Run, Pages, 0x5A);
        ulong vm = k.CreateVmWithMemory(Run, Pages, Run);
        Assert.NotEqual(0UL, k.Core.VmTable(k.Vm(vm)).Lookup(Run + 0x12345, out int level));
        Assert.Equal(2, level);
        Assert.Equal(Run + 0x12345, k.GuestToPhysical(vm, Run + 0x12345));
        for (ulong frame = Run / Page; frame < Run / Page + Pages; frame++)
        {
            Assert.True(k.IsZero(frame));
            Assert.False(k.Core.Dom0Table.Translate(frame * Page, out _, out _));
        }
        // Dom0's 2 MiB leaf was split down to 4 KiB before its mappings went: one more table,
        // which stays, so nothing is needed to map the frames again.
        Assert.Equal(dom0Tables + 1, k.Core.Dom0Table.CountTables());
    }

    [Fact]
    public void AnUnalignedDonationUsesSmallLeaves()
    {
        var k = NewMachine();
        ulong vm = k.CreateVmWithMemory(Run, Pages, Run + Page);
        k.Core.VmTable(k.Vm(vm)).Lookup(Run + Page, out int level);
        Assert.Equal(1, level);
    }

    // Reclaiming one page of a large leaf splits the VM's leaf (one table) and maps the frame in
    // Dom0's table again, which must not need a table the call did not count.
    [Fact]
    public void ReclaimingOnePageOfALargeLeafWithOneTableLeft()
    {
        var k = NewMachine();
        ulong vm = k.CreateVmWithMemory(Run, Pages, Run);
        ulong other = k.CreateVmWithMemory(0x20000, 1, 0);
        k.DrainFreePoolTo(other, 0x21000, Large, 1);
        k.Ok(Dom0, Hypercall.VmLoad, vm, Run + 5 * Page, 0x100000, Page, 0);

        k.Ok(Dom0, Hypercall.MemReclaim, vm, Run + 5 * Page, 1);

        Assert.Equal(FrameState.Dom0, k.Frames.State(Run / Page + 5));
        Assert.True(k.Dom0Maps(Run + 5 * Page));
        Assert.True(k.IsZero(Run / Page + 5));
        Assert.Equal(Run + 4 * Page, k.GuestToPhysical(vm, Run + 4 * Page));
        Assert.Equal(Run + 6 * Page, k.GuestToPhysical(vm, Run + 6 * Page));
    }

    [Fact]
    public void ReclaimingPartOfALargeLeafWithNoTableLeftIsOutOfResources()
    {
        var k = NewMachine();
        ulong vm = k.CreateVmWithMemory(Run, Pages, Run);
        ulong other = k.CreateVmWithMemory(0x20000, 1, 0);
        k.DrainFreePoolTo(other, 0x21000, Large, 0);
        k.Fails(HypercallStatus.OutOfResources, Dom0, Hypercall.MemReclaim, vm, Run + 5 * Page, 1);
        // The whole leaf needs no split.
        k.Ok(Dom0, Hypercall.MemReclaim, vm, Run, Pages);
        for (ulong frame = Run / Page; frame < Run / Page + Pages; frame++)
            Assert.True(k.Dom0Maps(frame * Page));
    }

    [Fact]
    public void SharingOnePageOfALargeLeafLeavesTheLeafWhole()
    {
        var k = NewMachine();
        ulong vm = k.CreateVmWithMemory(Run, Pages, Run);
        ushort domain = k.DomainOf(vm);
        ulong other = k.CreateVmWithMemory(0x20000, 1, 0);
        k.DrainFreePoolTo(other, 0x21000, Large, 0);
        k.Ok(domain, Hypercall.MemShare, 0, Run + 7 * Page, 1);
        Assert.True(k.Dom0Maps(Run + 7 * Page));
        k.Core.VmTable(k.Vm(vm)).Lookup(Run, out int level);
        Assert.Equal(2, level);
        k.Ok(domain, Hypercall.MemUnshare, 0, Run + 7 * Page, 1);
        Assert.False(k.Core.Dom0Table.Translate(Run + 7 * Page, out _, out _));
    }

    [Fact]
    public void LoadingOnePageReadOnlySplitsTheLeafAndNeedsATable()
    {
        var k = NewMachine();
        ulong vm = k.CreateVmWithMemory(Run, Pages, Run);
        ulong other = k.CreateVmWithMemory(0x20000, 1, 0);
        k.DrainFreePoolTo(other, 0x21000, Large, 0);
        k.Fails(HypercallStatus.OutOfResources, Dom0, Hypercall.VmLoad, vm, Run + Page, 0x100000, Page, (ulong)PageMeasureFlags.ReadOnly);

        k.Ok(Dom0, Hypercall.VmDestroy, other); // gives its tables back
        k.Ok(Dom0, Hypercall.VmLoad, vm, Run + Page, 0x100000, Page, (ulong)PageMeasureFlags.ReadOnly);
        var table = k.Core.VmTable(k.Vm(vm));
        Assert.True(table.Translate(Run + Page, out _, out PageAttributes rights));
        Assert.Equal(PageAttributes.ReadOnly, rights);
        Assert.True(table.Translate(Run, out _, out rights));
        Assert.Equal(PageAttributes.Writable | PageAttributes.Executable, rights);
        Assert.True(table.Translate(Run + 2 * Page, out _, out rights));
        Assert.Equal(PageAttributes.Writable | PageAttributes.Executable, rights);
        table.Lookup(Run, out int level);
        Assert.Equal(1, level);
    }

    // Reclaiming small pages leaves the VM's emptied page table in place; donating an aligned
    // 2 MiB run there later must use that table, not map a large leaf over it (which leaked the
    // table: a PageTable frame in no table, INV-6).
    [Fact]
    public void DonatingALargeRunWhereSmallPagesWereReclaimedLeaksNoTable()
    {
        var k = NewMachine();
        ulong vm = k.CreateVmWithMemory(0x20000, 2, Run + 3 * Page);
        k.Ok(Dom0, Hypercall.MemReclaim, vm, Run + 3 * Page, 2);
        ulong free = k.FreeFrames;
        k.Ok(Dom0, Hypercall.MemDonate, vm, Run, Pages, Run);
        // The VM's tables are there already; Dom0's 2 MiB leaf over the run is split once.
        Assert.Equal(free - 1, k.FreeFrames);
        Assert.Equal(Run + 3 * Page, k.GuestToPhysical(vm, Run + 3 * Page));
        k.Ok(Dom0, Hypercall.VmDestroy, vm);
    }

    [Fact]
    public void DestroyingAVmWithALargeLeafReturnsEveryFrame()
    {
        var k = NewMachine();
        ulong free = k.FreeFrames;
        ulong vm = k.CreateVmWithMemory(Run, Pages, Run);
        k.Ok(Dom0, Hypercall.VmLoad, vm, Run, 0x100000, 16 * Page, 0);
        k.Ok(k.DomainOf(vm), Hypercall.MemShare, 0, Run + 100 * Page, 3);
        k.Ok(Dom0, Hypercall.VmDestroy, vm);
        // All but the last-level table Dom0's split 2 MiB leaf left (Dom0 keeps it).
        Assert.Equal(free - 1, k.FreeFrames);
        for (ulong frame = Run / Page; frame < Run / Page + Pages; frame++)
        {
            Assert.True(k.IsZero(frame));
            Assert.True(k.Dom0Maps(frame * Page));
        }
    }

    [Fact]
    public void Dom0s_ram_is_mapped_with_large_leaves_where_the_runs_allow()
    {
        var k = NewMachine();
        Assert.NotEqual(0UL, k.Core.Dom0Table.Lookup(Run + 0x1234, out int level));
        Assert.Equal(2, level);
    }

    [Fact]
    public void Frames_donated_out_of_a_large_leaf_come_back_one_by_one_with_no_table_left()
    {
        var k = NewMachine();
        ulong vm = k.CreateVmWithMemory(Run + 8 * Page, 4, GuestBase);
        // Dom0's leaf over the run is 4 KiB now, the rest of it still mapped.
        k.Core.Dom0Table.Lookup(Run, out int level);
        Assert.Equal(1, level);
        Assert.True(k.Dom0Maps(Run + 7 * Page));
        Assert.False(k.Dom0Maps(Run + 8 * Page));
        // With no table frame left, every frame still finds its table in Dom0's.
        ulong other = k.CreateVmWithMemory(0x20000, 1, 0);
        k.DrainFreePoolTo(other, 0x21000, Large, 0);
        for (ulong page = 0; page < 4; page++)
            k.Ok(Dom0, Hypercall.MemReclaim, vm, GuestBase + page * Page, 1);
        for (ulong page = 0; page < 4; page++)
            Assert.True(k.Dom0Maps(Run + (8 + page) * Page));
    }
}
