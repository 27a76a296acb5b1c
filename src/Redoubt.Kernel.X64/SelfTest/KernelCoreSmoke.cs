using System;
using System.Runtime.InteropServices;
using Redoubt.Abi;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Memory;

namespace Redoubt.Kernel.X64.SelfTest;

// Runs the kernel core (the code the host tests prove) in the image, over 4 MiB of real RAM:
// a VM's life cycle through hypercalls as Dom0 would issue them, and refused calls. Shows the
// core compiles and behaves the same under Redoubt.Corlib on bare metal.
internal static class KernelCoreSmoke
{
    private const ulong Frames = 1024;

    public static bool Run(MemoryMap memory, ulong imageEnd)
    {
        ulong baseAddress = FindRam(memory, imageEnd);
        if (baseAddress == 0)
        {
            Log.Error("core"u8).Text("no 4 MiB of usable RAM above the image"u8).End();
            return false;
        }
        KernelConfig config = new KernelConfig
        {
            HypervisorFrames = 16,
            TablePoolFrames = 64,
            MaxVms = 2,
            MaxVcpusPerVm = 2,
            CapabilitySlots = 8,
            MaxPagesPerCall = Frames,
            CpuCount = 1,
        };
        var physical = new RangePhysicalMemory(baseAddress, Frames);
        KernelCore<RangePhysicalMemory>? core = KernelCore<RangePhysicalMemory>.Create(physical, config);
        if (core is null)
        {
            Log.Error("core"u8).Text("configuration does not fit"u8).End();
            return false;
        }
        Log.Info("core"u8).Text("kernel core over "u8).Size(Frames * 4096).Text(" at "u8).Hex(baseAddress).Text(": "u8)
            .Decimal(core.Machine.Frames.Count(FrameState.Dom0)).Text(" Dom0 frames, "u8).Decimal(core.Machine.Frames.Count(FrameState.Free)).Text(" free"u8).End();

        ulong dom0 = (config.HypervisorFrames + config.TablePoolFrames) * 4096;
        HypercallResult created = Call(core, Hypercall.VmCreate);
        ulong vm = created.Result0;
        bool ok = created.Status == HypercallStatus.Success;
        ok &= Expect(core, "donate 16 pages"u8, HypercallStatus.Success, Hypercall.MemDonate, vm, dom0, 16, 0);
        // A page of image data in Dom0's memory, loaded and measured.
        physical.Frame(dom0 / 4096 + 32).Fill(0x5A);
        ok &= Expect(core, "load 1 page"u8, HypercallStatus.Success, Hypercall.VmLoad, vm, 0x1000, dom0 + 32 * 4096, 4096, (ulong)PageMeasureFlags.Executable);
        ok &= Expect(core, "create vCPU"u8, HypercallStatus.Success, Hypercall.VcpuCreate, vm);
        ok &= Expect(core, "finalize"u8, HypercallStatus.Success, Hypercall.VmFinalize, vm);
        ok &= Expect(core, "load after finalize"u8, HypercallStatus.InvalidState, Hypercall.VmLoad, vm, 0x2000, dom0 + 32 * 4096, 4096, 0);
        ok &= Expect(core, "donate a hypervisor frame"u8, HypercallStatus.NotOwned, Hypercall.MemDonate, vm, 0, 1, 0x100000);
        ok &= Expect(core, "garbage hypercall"u8, HypercallStatus.UnknownHypercall, (Hypercall)0xDEAD_BEEF, 1, 2, 3);
        ok &= Expect(core, "reclaim 4 pages"u8, HypercallStatus.Success, Hypercall.MemReclaim, vm, 0x4000, 4);
        ok &= Expect(core, "destroy"u8, HypercallStatus.Success, Hypercall.VmDestroy, vm);
        ok &= core.Machine.Frames.Count(FrameState.GuestPrivate) == 0 && core.Machine.Frames.Count(FrameState.Zeroing) == 0;
        Log.Info("core"u8).Text("after destroy: "u8).Decimal(core.Machine.Frames.Count(FrameState.Dom0)).Text(" Dom0 frames, "u8)
            .Decimal(core.Machine.Frames.Count(FrameState.GuestPrivate)).Text(" guest frames"u8).End();
        return ok;
    }

    private static HypercallResult Call(KernelCore<RangePhysicalMemory> core, Hypercall call, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0, ulong a4 = 0) =>
        core.Dispatch(KernelCore<RangePhysicalMemory>.Dom0, HypercallRegisters.Of(call, a0, a1, a2, a3, a4));

    private static bool Expect(KernelCore<RangePhysicalMemory> core, ReadOnlySpan<byte> what, HypercallStatus expected, Hypercall call,
        ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0, ulong a4 = 0)
    {
        HypercallStatus status = Call(core, call, a0, a1, a2, a3, a4).Status;
        var line = status == expected ? Log.Info("core"u8) : Log.Error("core"u8);
        line.Text(what).Text(": status "u8).Decimal((ulong)status).Text(status == expected ? " as expected"u8 : " UNEXPECTED"u8).End();
        return status == expected;
    }

    private static ulong FindRam(MemoryMap memory, ulong imageEnd)
    {
        const ulong Size = Frames * 4096, Align = 0x200000;
        foreach (MemoryRegion region in memory.Regions)
        {
            ulong start = ((region.Base > imageEnd ? region.Base : imageEnd) + Align - 1) & ~(Align - 1);
            // Clear of anything below 16 MiB.
            if (start < 0x1000000)
                start = 0x1000000;
            if (region.Kind == MemoryKind.Usable && start + Size <= region.End)
                return start;
        }
        return 0;
    }
}
