using Redoubt.Abi;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Paging;
using Xunit;

namespace Redoubt.Kernel.Tests.Hypercalls;

// KernelCore.Audit, the invariant check the image runs on request (redoubt.audit=1): on a sound
// state it finds nothing (every CheckedCore call and every fuzz step checks that), and for each
// kind of broken state it finds the invariant the host checker also finds broken.
public class KernelAuditTests
{
    private const ulong Page = 4096, Host = 0x20000, Guest = 0x100000;
    private const ushort Dom0 = KernelCore<ArrayPhysicalMemory>.Dom0;

    private static KernelCore<ArrayPhysicalMemory> WithVm()
    {
        var core = TestMachine.Create();
        ulong vm = core.Call(Dom0, Hypercall.VmCreate).Result0;
        Assert.Equal(HypercallStatus.Success, core.Call(Dom0, Hypercall.MemDonate, vm, Host, 2, Guest).Status);
        Assert.Equal(0UL, core.Audit().Violations);
        Assert.Empty(InvariantChecker.Check(core));
        return core;
    }

    private static void AssertBoth(KernelCore<ArrayPhysicalMemory> core, byte invariant)
    {
        InvariantAudit audit = core.Audit();
        Assert.True(audit.Violations > 0, $"the audit missed a broken INV-{invariant}");
        Assert.Equal(invariant, audit.FirstInvariant);
        Assert.Contains(InvariantChecker.Check(core), v => v.StartsWith($"INV-{invariant}"));
    }

    [Fact]
    public void A_sound_machine_passes_and_every_frame_is_checked()
    {
        var core = WithVm();
        InvariantAudit audit = core.Audit();
        Assert.Equal(0UL, audit.Violations);
        Assert.Equal(core.Machine.Frames.FrameCount, audit.FramesChecked);
    }

    [Fact]
    public void A_free_frame_that_is_not_zero_breaks_inv_2()
    {
        var core = WithVm();
        core.Machine.Physical.Frame(core.Machine.Free.Frames[0])[7] = 1;
        AssertBoth(core, 2);
    }

    [Fact]
    public void A_frame_dom0_maps_that_became_the_hypervisors_breaks_inv_3()
    {
        var core = WithVm();
        core.Machine.Frames.Set(Host / Page + 4, FrameState.Hypervisor, Dom0);
        AssertBoth(core, 3);
    }

    [Fact]
    public void A_dom0_frame_missing_from_dom0s_table_breaks_inv_3()
    {
        var core = WithVm();
        var table = core.Dom0Table;
        table.Unmap(Host + 8 * Page, Page, out _);
        AssertBoth(core, 3);
    }

    [Fact]
    public void A_vm_frame_recorded_at_another_guest_frame_breaks_inv_4()
    {
        var core = WithVm();
        core.Machine.Frames.Set(Host / Page, FrameState.GuestPrivate, 1, Guest / Page + 9);
        AssertBoth(core, 4);
    }

    [Fact]
    public void A_frame_left_zeroing_breaks_inv_8()
    {
        var core = WithVm();
        core.Machine.Frames.Set(Host / Page, FrameState.Zeroing, 1, Guest / Page);
        InvariantAudit audit = core.Audit();
        Assert.True(audit.Violations > 0);
        Assert.Contains(InvariantChecker.Check(core), v => v.StartsWith("INV-8"));
    }

    [Fact]
    public void A_table_frame_nobody_uses_breaks_inv_6()
    {
        var core = WithVm();
        ulong frame = core.Machine.Free.Pop();
        core.Machine.Frames.Set(frame, FrameState.PageTable, Dom0);
        AssertBoth(core, 6);
    }
}
