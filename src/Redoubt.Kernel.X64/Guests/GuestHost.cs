using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Paging;
using Redoubt.Kernel.X64.Boot;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Memory;
using Redoubt.Kernel.X64.Paging;
using Redoubt.Kernel.X64.Svm;

namespace Redoubt.Kernel.X64.Guests;

// Brings up what running VMs takes: the kernel core over all RAM (frame numbers are physical
// frame numbers), SVM, and the launcher over the guest archive. The archive is the boot module
// (PVH: the first module, QEMU -initrd; UEFI: the ESP file \EFI\redoubt\boot.cpio) or, when
// there is none, on the UEFI path under QEMU, the fw_cfg file opt/org.redoubt/guests, which is
// read into RAM above the image first.
// Safe: the fw_cfg file is read into usable RAM the kernel maps 1:1 and nothing else uses yet.
internal static unsafe class GuestHost
{
    private const ulong PoolFrames = 1024, Align = 0x200000;

    public static KernelConfig Config => new KernelConfig
    {
        MaxVms = 8,
        MaxVcpusPerVm = 2,
        CapabilitySlots = 32,
        MaxPagesPerCall = 4096,
        CpuCount = 1,
    };

    public static GuestLauncher? Start(BootInfo boot, in ImageLayout image)
    {
        var imageRange = new AddressRange(image.Start, image.End);
        AddressRange archive = FindArchive(boot, imageRange);
        if (archive.Length == 0)
        {
            Log.Error("launch"u8).Text("no guest archive: pass artifacts/image/guests.cpio as -initrd (PVH) or put it on the ESP as \\EFI\\redoubt\\boot.cpio (UEFI)"u8).End();
            return null;
        }
        KernelCore<RangePhysicalMemory>? core = CreateCore(boot, imageRange, archive, PoolFrames, Config);
        if (core is null)
            return null;
        Log.Info("launch"u8).Text("guest archive at "u8).Hex(archive.Start).Text(" ("u8).Decimal(archive.Length).Text(" bytes)"u8).End();
        if (!SvmHost.Initialize(core.Vcpus.Length, Config.MaxVms))
            return null;
        GuestLauncher? launcher = GuestLauncher.Create(core, archive);
        if (launcher is null)
            Log.Error("launch"u8).Text("no Dom0 memory left for the launcher's scratch pages"u8).End();
        return launcher;
    }

    // The kernel core over all RAM, laid out by MachineLayout (the pool clear of the boot
    // archive); null, logged, when the machine cannot hold it.
    public static KernelCore<RangePhysicalMemory>? CreateCore(BootInfo boot, AddressRange image, AddressRange archive, ulong poolFrames, KernelConfig config)
    {
        MachineLayout? layout = MachineLayout.Create(boot.Memory, image, archive, poolFrames);
        if (layout is null)
        {
            Log.Error("core"u8).Text("no room for the table pool above the image"u8).End();
            return null;
        }
        var physical = new RangePhysicalMemory(0, layout.Value.FrameCount);
        KernelCore<RangePhysicalMemory>? core = KernelCore<RangePhysicalMemory>.Create(physical, config, layout.Value);
        if (core is null)
        {
            Log.Error("core"u8).Text("the kernel core does not fit this machine"u8).End();
            return null;
        }
        FrameTable frames = core.Machine.Frames;
        // RangePhysicalMemory turns a frame number into an address of Redoubt's own map without
        // a table walk: every frame the core may read or write for a caller (Dom0's, the pool's)
        // must be mapped there, or a hypercall naming it would fault in the kernel.
        for (ulong frame = 0; frame < frames.FrameCount; frame++)
        {
            FrameState state = frames.State(frame);
            if ((state == FrameState.Dom0 || state == FrameState.Free) && !KernelAddressSpace.MapsWritable(frame * 4096))
            {
                Log.Error("core"u8).Text("frame "u8).Hex(frame * 4096).Text(" is Dom0's or the pool's but not in Redoubt's own map"u8).End();
                return null;
            }
        }
        Log.Info("core"u8).Text("kernel core over "u8).Decimal(frames.FrameCount).Text(" frames: "u8).Decimal(frames.Count(FrameState.Dom0))
            .Text(" Dom0, "u8).Decimal(frames.Count(FrameState.Free)).Text(" free, "u8).Decimal(frames.Count(FrameState.Hypervisor))
            .Text(" hypervisor, "u8).Decimal(frames.Count(FrameState.PageTable)).Text(" page-table, "u8).Decimal(frames.Count(FrameState.Mmio))
            .Text(" no RAM"u8).End();
        return core;
    }

    // True when every byte of range lies in usable RAM or Redoubt's own loader memory.
    private static bool IsRam(MemoryMap memory, AddressRange range)
    {
        ulong at = range.Start;
        while (at < range.End)
        {
            ulong next = at;
            foreach (MemoryRegion region in memory.Regions)
            {
                if ((region.Kind == MemoryKind.Usable || region.Kind == MemoryKind.Loader) && at >= region.Base && at < region.End)
                    next = region.End;
            }
            if (next == at)
                return false;
            at = next;
        }
        return true;
    }

    // The boot archive: the first boot module (PVH -initrd, or the file on the ESP), else on
    // QEMU the fw_cfg file opt/org.redoubt/guests read into RAM above the image.
    public static AddressRange FindArchive(BootInfo boot, AddressRange image)
    {
        if (boot.ModuleLength != 0)
        {
            var module = new AddressRange(boot.ModuleBase, boot.ModuleBase + boot.ModuleLength);
            if (IsRam(boot.Memory, module))
                return module;
            // QEMU's PVH loader puts -initrd at the top of RAM below 4 GiB, where firmware may
            // later keep its own tables (a TPM's log grows them): then both overlap.
            Log.Error("boot"u8).Text("the boot archive at "u8).Hex(module.Start).Text("-"u8).Hex(module.End - 1)
                .Text(" runs into memory the firmware keeps (QEMU puts -initrd at the top of RAM, where firmware tables may grow): boot through UEFI, where the archive is a file on the ESP"u8).End();
            return default;
        }
        if (!FirmwareConfig.Find("opt/org.redoubt/guests"u8, out ushort selector, out uint size) || size == 0)
            return default;
        foreach (MemoryRegion region in boot.Memory.Regions)
        {
            ulong start = (region.Base > image.End ? region.Base : image.End) + Align - 1 & ~(Align - 1);
            if (region.Kind == MemoryKind.Usable && start + size <= region.End)
            {
                FirmwareConfig.Read(selector, new System.Span<byte>((void*)start, (int)size));
                return new AddressRange(start, start + size);
            }
        }
        return default;
    }
}
