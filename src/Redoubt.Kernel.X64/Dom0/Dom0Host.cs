using System;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Paging;
using Redoubt.Kernel.Virtualization;
using Redoubt.Kernel.X64.Boot;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Guests;
using Redoubt.Kernel.X64.Memory;
using Redoubt.Kernel.X64.Paging;
using Redoubt.Kernel.X64.Svm;

namespace Redoubt.Kernel.X64.Dom0;

// Boots Dom0: the kernel core over all RAM, SVM, Dom0's Linux loaded into its own RAM
// (Dom0Loader), the platform's devices mapped 1:1 beside it (Dom0Devices), Dom0's VMCB and
// permission maps, then Redoubt's log moves to COM2 (COM1 is Dom0's console) and Dom0 runs for
// good (Dom0Runner). Returns only when Dom0 cannot be started, after logging why.
// Safe: the permission maps and Dom0's VMCB and XSAVE area are frames just taken from the
// kernel's own pool and written within their size.
internal static unsafe class Dom0Host
{
    // Dom0's table needs one table frame per 512 frames of RAM, and VMs' tables come from the
    // same pool: a floor of 4 MiB plus 1/256 of RAM.
    private const ulong PoolFloorFrames = 1024, PoolRamShare = 256;
    private const uint PhysicalAddressWidthCap = 40;

    // The marker Redoubt writes over its unused table frames when asked to (redoubt.marker=1),
    // so that a test in Dom0 can show that none of Redoubt's bytes reach it.
    private static ReadOnlySpan<byte> Marker => "<<REDOUBT-KEPT>>"u8;

    public static void Run(BootInfo boot, in ImageLayout image)
    {
        var imageRange = new AddressRange(image.Start, image.End);
        AddressRange archive = GuestHost.FindArchive(boot, imageRange);
        if (archive.Length == 0)
        {
            Log.Error("dom0"u8).Text("no boot archive: pass artifacts/image/dom0.cpio as -initrd (PVH) or put it on the ESP as \\EFI\\redoubt\\boot.cpio (UEFI)"u8).End();
            return;
        }
        Log.Info("dom0"u8).Text("boot archive at "u8).Hex(archive.Start).Text(" ("u8).Size(archive.Length).Text(")"u8).End();
        ulong usableFrames = boot.Memory.TotalBytes(MemoryKind.Usable) / 4096;
        KernelCore<RangePhysicalMemory>? core = GuestHost.CreateCore(boot, imageRange, archive, PoolFloorFrames + usableFrames / PoolRamShare);
        if (core is null || !SvmHost.Initialize(core.Vcpus.Length, GuestHost.Config.MaxVms))
            return;
        if (!Dom0Loader.Load(core, boot, archive, AppendedCommandLine(boot.CommandLine), out Dom0Entry entry))
            return;
        if (!Dom0Devices.Map(core, PhysicalAddressLimit()))
            return;
        ReadOnlySpan<byte> marker = BootCommandLine.Value(boot.CommandLine, "redoubt.marker"u8);
        if (marker.Length == 1 && marker[0] == (byte)'1')
            Log.Info("dom0"u8).Text("marker written over "u8).Size(TableFramePool.FillUnused(Marker)).Text(" of Redoubt's unused table frames"u8).End();

        ulong vmcb = TableFramePool.Allocate(), xsave = TableFramePool.Allocate();
        ulong iopm = TableFramePool.AllocateContiguous(SvmHost.IopmFrames), msrpm = TableFramePool.AllocateContiguous(SvmHost.MsrpmFrames);
        if (vmcb == 0 || xsave == 0 || iopm == 0 || msrpm == 0)
        {
            Log.Error("dom0"u8).Text("no kernel frames left for Dom0's VMCB and permission maps"u8).End();
            return;
        }
        Dom0Permissions.FillIoMap(new Span<byte>((void*)iopm, SvmHost.IopmFrames * 4096));
        Dom0MsrPolicy.FillPermissionMap(new Span<byte>((void*)msrpm, SvmHost.MsrpmFrames * 4096));
        var dom0 = new SvmVcpu(vmcb, xsave, SvmHost.Cpuid);
        // The reset state of x87/SSE/AVX: an all-zero XSAVE header and MXCSR 1F80h.
        *(uint*)(xsave + 24) = 0x1F80;
        dom0.Switch = new SvmWorldSwitch { GuestXsaveArea = xsave, GuestXcr0 = 1, HostXcr0 = SvmSupport.HostXcr0, Rsi = entry.ZeroPage };
        Dom0Vmcb.Initialize(vmcb, core.Dom0Table.Root, SvmHost.AsidCount - 1, iopm, msrpm, entry);

        FrameTable frames = core.Machine.Frames;
        Log.Info("dom0"u8).Text("Dom0 owns "u8).Size(frames.Count(FrameState.Dom0) * 4096).Text(" of RAM; Redoubt keeps "u8)
            .Size((frames.FrameCount - frames.Count(FrameState.Dom0) - frames.Count(FrameState.Mmio)) * 4096)
            .Text("; devices mapped up to "u8).Hex(PhysicalAddressLimit()).End();
        Log.Info("dom0"u8).Text("entering Linux at "u8).Hex(entry.KernelAddress).Text("; Redoubt's log continues on COM2, COM1 is Dom0's console"u8).End();
        SerialConsole.MoveTo(SerialPort.Com2);
        Log.Info("dom0"u8).Text("Redoubt "u8).Text(KernelVersion.Text).Text(": log continued from COM1; Dom0 starts at "u8).Hex(entry.KernelAddress).End();
        Dom0Runner.Run(core, dom0);
    }

    // What follows " -- " on Redoubt's command line goes to Dom0's.
    private static ReadOnlySpan<byte> AppendedCommandLine(ReadOnlySpan<byte> commandLine)
    {
        for (int i = 0; i + 1 < commandLine.Length; i++)
        {
            if (commandLine[i] == (byte)'-' && commandLine[i + 1] == (byte)'-' && (i == 0 || commandLine[i - 1] == (byte)' ')
                && (i + 2 == commandLine.Length || commandLine[i + 2] == (byte)' '))
            {
                int start = i + 2;
                while (start < commandLine.Length && commandLine[start] == (byte)' ')
                    start++;
                return commandLine.Slice(start);
            }
        }
        return ReadOnlySpan<byte>.Empty;
    }

    // 2^MAXPHYADDR (CPUID 8000_0008h EAX[7:0]), capped: Dom0's devices lie below it.
    private static ulong PhysicalAddressLimit()
    {
        uint* registers = stackalloc uint[4];
        Cpu.Cpu.Cpuid(0x8000_0000, 0, registers);
        uint width = 36;
        if (registers[0] >= 0x8000_0008)
        {
            Cpu.Cpu.Cpuid(0x8000_0008, 0, registers);
            width = registers[0] & 0xFF;
        }
        if (width > PhysicalAddressWidthCap)
            width = PhysicalAddressWidthCap;
        return 1UL << (int)width;
    }
}
