using System;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Paging;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Memory;

namespace Redoubt.Kernel.X64.Dom0;

// The platform's device and firmware ranges Dom0 owns, mapped 1:1 in its nested table: every
// run of no-RAM frames inside the frame table (holes, firmware, PCI windows, the local APIC and
// I/O APIC pages) and everything from the end of RAM up to the CPU's physical address width,
// except what Redoubt keeps: the TPM's register window (TCG PC Client: FED4_0000h, five 4 KiB
// localities), so that Dom0 neither finds nor drives the TPM, and the local APIC page, whose
// accesses Redoubt carries out itself (Dom0Apic), and the register windows of the devices whose
// ACPI tables Redoubt hid (Dom0Acpi: the IOMMUs, a TPM), the PCI configuration window (its
// accesses are Dom0Pci's), a reset register's page in memory space (Dom0ResetRegister's), and AMD's HyperTransport window
// (FD_0000_0000h-FF_FFFF_FFFFh: interrupts, system management and configuration cycles of the
// fabric; nothing of it is Dom0's). MayDecode answers where Dom0's devices may put a BAR.
internal static class Dom0Devices
{
    private const ulong Page = 4096, TpmBase = 0xFED4_0000, TpmEnd = 0xFED4_5000;
    private const ulong HyperTransportBase = 0xFD_0000_0000, HyperTransportEnd = 0x100_0000_0000;

    private const int MaxKept = 32;

    // Ranges never mapped into Dom0: the fixed ones, then the register windows of the devices
    // whose ACPI tables were hidden (the IOMMUs, a TPM elsewhere).
    private static readonly AddressRange[] s_kept = new AddressRange[MaxKept];
    private static int s_keptCount;

    public static bool Map(KernelCore<RangePhysicalMemory> core, ulong physicalAddressLimit, ReadOnlySpan<AcpiRegisterWindow> windows)
    {
        s_keptCount = 0;
        Keep(TpmBase, TpmEnd);
        Keep(0xFEE0_0000, 0xFEE0_1000);
        Keep(HyperTransportBase, HyperTransportEnd);
        AcpiPlatform platform = Dom0Platform.Platform;
        if (platform.EcamBase != 0)
            Keep(platform.EcamStart, platform.EcamEnd);
        if (platform.ResetSupported && platform.ResetSpace == AcpiPlatform.SpaceMemory)
            Keep(platform.ResetAddress & ~(Page - 1), (platform.ResetAddress & ~(Page - 1)) + Page);
        foreach (AcpiRegisterWindow window in windows)
        {
            if (!Keep(window.Base & ~(Page - 1), (window.End + Page - 1) & ~(Page - 1)))
                return false;
        }
        FrameTable frames = core.Machine.Frames;
        ulong tableEnd = frames.FrameCount * Page;
        for (ulong frame = 0; frame < frames.FrameCount;)
        {
            if (frames.State(frame) != FrameState.Mmio)
            {
                frame++;
                continue;
            }
            ulong run = frame;
            while (run < frames.FrameCount && frames.State(run) == FrameState.Mmio)
                run++;
            if (!MapExceptKept(core, frame * Page, run * Page))
                return false;
            frame = run;
        }
        return tableEnd >= physicalAddressLimit || MapExceptKept(core, tableEnd, physicalAddressLimit);
    }

    // True when no frame of [first, last] is RAM in the frame table and none lies in a range
    // Redoubt keeps: where a BAR or bridge window of Dom0's may decode (PciConfigFilter).
    public static bool MayDecode(KernelCore<RangePhysicalMemory> core, ulong first, ulong last)
    {
        if (last < first)
            return false;
        for (int i = 0; i < s_keptCount; i++)
        {
            if (first < s_kept[i].End && s_kept[i].Start <= last)
                return false;
        }
        FrameTable frames = core.Machine.Frames;
        for (ulong frame = first / Page; frame <= last / Page && frame < frames.FrameCount; frame++)
        {
            if (frames.State(frame) != FrameState.Mmio)
                return false;
        }
        return true;
    }

    private static bool Keep(ulong start, ulong end)
    {
        if (s_keptCount == MaxKept)
        {
            Log.Error("dom0"u8).Text("more than "u8).Decimal(MaxKept).Text(" device ranges to keep from Dom0"u8).End();
            return false;
        }
        s_kept[s_keptCount++] = new AddressRange(start, end);
        return true;
    }

    private static bool MapExceptKept(KernelCore<RangePhysicalMemory> core, ulong start, ulong end)
    {
        if (start >= end)
            return true;
        for (int i = 0; i < s_keptCount; i++)
        {
            AddressRange kept = s_kept[i];
            if (kept.Intersects(start, end))
                return MapExceptKept(core, start, kept.Start) && MapExceptKept(core, kept.End, end);
        }
        Dom0DeviceStatus status = core.MapDom0Device(start, end);
        if (status == Dom0DeviceStatus.Success)
            return true;
        Log.Error("dom0"u8).Text("cannot map device range "u8).Hex(start).Text("-"u8).Hex(end - 1).Text(" for Dom0, status "u8)
            .Decimal((ulong)status).End();
        return false;
    }
}
