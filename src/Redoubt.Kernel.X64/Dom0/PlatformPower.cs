using System;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Platform;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Memory;

namespace Redoubt.Kernel.X64.Dom0;

// The machine's end, always through Redoubt: it takes the kernel core's lock for good (no
// hypercall runs again), zeroes every VM's frames (KernelCore.ScrubVmMemory), logs it, and then
// resets or powers off. The TCG Memory Overwrite Request (a UEFI variable, set through the
// runtime service SetVariable) is not set: Redoubt calls no UEFI runtime service after it leaves
// boot services, and under PVH there is no UEFI; the scrub is Redoubt's own answer (docs/dom0.md).
internal static class PlatformPower
{
    private static KernelCore<RangePhysicalMemory>? s_core;

    public static void Attach(KernelCore<RangePhysicalMemory> core) => s_core = core;

    // Through the FADT's reset register when it is an I/O port, then the reset control register
    // and the keyboard controller (PlatformReset).
    public static void Reset(ReadOnlySpan<byte> cause)
    {
        Scrub(cause, "resetting"u8);
        AcpiPlatform platform = Dom0Platform.Platform;
        if (platform.ResetSupported && platform.ResetSpace == AcpiPlatform.SpaceIo)
            Cpu.Cpu.OutByte((ushort)platform.ResetAddress, platform.ResetValue);
        PlatformReset.Reset();
    }

    // Carries out Dom0's S5 write (validated by PlatformPortPolicy) and, with a PM1b block, the
    // same for PM1b; halts if the power stays on.
    public static void PowerOff(ushort port, int size, uint value)
    {
        Scrub(PortReasonNames.Of(PortReason.SleepS5), "powering off"u8);
        Dom0Ports.Out(port, size, value);
        AcpiPlatform platform = Dom0Platform.Platform;
        if (platform.Pm1bControl != 0 && port != platform.Pm1bControl)
            Cpu.Cpu.OutWord(platform.Pm1bControl, (ushort)(platform.S5TypeB << 10 | 1 << 13));
        Log.Error("power"u8).Text("the power stayed on after S5; halting"u8).End();
        Cpu.Cpu.HaltForever();
    }

    private static void Scrub(ReadOnlySpan<byte> cause, ReadOnlySpan<byte> then)
    {
        Dom0Cpus.LockCore();
        ulong frames = s_core is null ? 0 : s_core.ScrubVmMemory();
        Log.Info("power"u8).Text("Dom0 made "u8).Decimal(Dom0Ports.ConfigAccesses).Text(" PCI configuration port, "u8).Decimal(Dom0Ports.PlatformAccesses)
            .Text(" other mediated port and "u8).Decimal(Dom0Pci.EcamAccesses).Text(" ECAM accesses; TCG MOR not set (no UEFI runtime services after boot)"u8).End();
        Log.Info("power"u8).Text("Dom0 asked for "u8).Text(cause).Text(": scrubbed "u8).Decimal(frames).Text(" frames of VM memory; "u8).Text(then).End();
    }
}
