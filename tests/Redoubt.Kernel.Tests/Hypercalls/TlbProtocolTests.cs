using System;
using Redoubt.Abi;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Hypercalls;
using Xunit;

namespace Redoubt.Kernel.Tests.Hypercalls;

// The TLB protocol (docs/spec/invariants.md): a frame leaving a domain is unmapped, every CPU has
// dropped the old translation (the shootdown returned), and only then is it zeroed, written or
// mapped elsewhere; and no call returns while a translation it removed may still be cached.
// Each test first shows that the call does touch the frame (else "after the shootdown" would
// hold for nothing), then that the touch comes after a shootdown covering the unmap.
public class TlbProtocolTests
{
    private const ulong Page = 4096, Frames = 64, Host = 0x20000, Guest = 0x100000;
    private const ushort Dom0 = KernelCore<RecordingPhysicalMemory>.Dom0;

    private static KernelCore<RecordingPhysicalMemory> Create() =>
        KernelCore<RecordingPhysicalMemory>.Create(new RecordingPhysicalMemory(Frames), TestMachine.DefaultConfig(Frames))
        ?? throw new InvalidOperationException("the machine does not fit");

    private static HypercallResult Call(KernelCore<RecordingPhysicalMemory> core, ushort caller, Hypercall call, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0)
    {
        HypercallResult result = core.Dispatch(caller, HypercallRegisters.Of(call, a0, a1, a2, a3, 0, 0));
        Assert.Equal(HypercallStatus.Success, result.Status);
        return result;
    }

    private static ulong CreateVmWithMemory(KernelCore<RecordingPhysicalMemory> core, ulong pages)
    {
        ulong vm = Call(core, Dom0, Hypercall.VmCreate).Result0;
        Call(core, Dom0, Hypercall.MemDonate, vm, Host, pages, Guest);
        return vm;
    }

    // Index of the first event touching the frame; the call must touch it.
    private static int FirstTouch(RecordingPhysicalMemory memory, ulong frame)
    {
        int index = memory.Events.FindIndex(e => e.Kind == MemoryEventKind.Frame && e.Value == frame);
        Assert.True(index >= 0, $"the call never touched frame {frame}: the order below would prove nothing");
        return index;
    }

    // Index of the first shootdown that covers `flushes`; there must be one.
    private static int ShootDownCovering(RecordingPhysicalMemory memory, ulong flushes)
    {
        int index = memory.Events.FindIndex(e => e.Kind == MemoryEventKind.ShootDown && e.Value >= flushes);
        Assert.True(index >= 0, $"no shootdown reached flush {flushes}");
        return index;
    }

    [Fact]
    public void A_donated_frame_is_zeroed_only_after_every_cpu_dropped_dom0s_translation()
    {
        var core = Create();
        ulong vm = Call(core, Dom0, Hypercall.VmCreate).Result0;
        ulong before = core.TlbFlushes;
        core.Machine.Physical.Events.Clear();

        Call(core, Dom0, Hypercall.MemDonate, vm, Host, 2, Guest);

        Assert.True(core.TlbFlushes > before, "donating must remove Dom0's translation");
        int shootdown = ShootDownCovering(core.Machine.Physical, before + 1);
        Assert.True(shootdown < FirstTouch(core.Machine.Physical, Host / Page), "the frame was zeroed before the shootdown");
        Assert.True(shootdown < FirstTouch(core.Machine.Physical, Host / Page + 1));
    }

    [Fact]
    public void A_reclaimed_frame_is_scrubbed_only_after_every_cpu_dropped_the_vms_translation()
    {
        var core = Create();
        ulong vm = CreateVmWithMemory(core, 2);
        ulong before = core.TlbFlushes;
        core.Machine.Physical.Events.Clear();

        Call(core, Dom0, Hypercall.MemReclaim, vm, Guest + Page, 1);

        int shootdown = ShootDownCovering(core.Machine.Physical, before + 1);
        Assert.True(shootdown < FirstTouch(core.Machine.Physical, Host / Page + 1), "the frame was scrubbed before the shootdown");
    }

    [Fact]
    public void A_destroyed_vms_frames_are_scrubbed_only_after_every_cpu_dropped_its_translations()
    {
        var core = Create();
        ulong vm = CreateVmWithMemory(core, 2);
        ulong before = core.TlbFlushes;
        core.Machine.Physical.Events.Clear();

        Call(core, Dom0, Hypercall.VmDestroy, vm);

        int shootdown = ShootDownCovering(core.Machine.Physical, before + 1);
        Assert.True(shootdown < FirstTouch(core.Machine.Physical, Host / Page), "a frame was scrubbed before the shootdown");
        Assert.True(shootdown < FirstTouch(core.Machine.Physical, Host / Page + 1));
    }

    [Fact]
    public void An_unshared_page_is_private_again_only_once_no_cpu_keeps_dom0s_translation()
    {
        var core = Create();
        CreateVmWithMemory(core, 2);
        const ushort vmDomain = 1;
        Call(core, vmDomain, Hypercall.MemShare, 0, Guest, 1);
        ulong before = core.TlbFlushes;
        core.Machine.Physical.Events.Clear();

        Call(core, vmDomain, Hypercall.MemUnshare, 0, Guest, 1);

        Assert.True(core.TlbFlushes > before, "unsharing must remove Dom0's translation");
        ShootDownCovering(core.Machine.Physical, core.TlbFlushes);
    }

    [Fact]
    public void A_call_that_removes_no_translation_asks_for_no_shootdown()
    {
        var core = Create();
        core.Machine.Physical.Events.Clear();
        Call(core, Dom0, Hypercall.VmCreate);
        Call(core, Dom0, Hypercall.Info);
        Assert.DoesNotContain(core.Machine.Physical.Events, e => e.Kind == MemoryEventKind.ShootDown);
    }
}
