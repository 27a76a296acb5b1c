using System;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Paging;
using Redoubt.Kernel.X64.Boot;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Cpu;
using Redoubt.Kernel.X64.Guests;
using Redoubt.Kernel.X64.Paging;
using Redoubt.Kernel.X64.SelfTest;
using Redoubt.Kernel.X64.Svm;
using Redoubt.Kernel.X64.Traps;

namespace Redoubt.Kernel.X64;

// The boot sequence both boot paths share once the boot protocol has been read: CPU tables,
// memory map, the kernel's own page tables, the runtime self-check, then the scenario.
internal static class KernelMain
{
    // Runs with Redoubt's GDT, TSS and IDT installed (the entry points do that first).
    public static void Start(BootInfo boot, in ImageLayout image)
    {
        // Firmware may leave the legacy 8259 timer running: Redoubt takes no interrupt from it.
        Cpu.Cpu.OutByte(0x21, 0xFF);
        Cpu.Cpu.OutByte(0xA1, 0xFF);
        Log.Info("boot"u8).Text("Redoubt "u8).Text(KernelVersion.Text).Text(" (boot path: "u8)
            .Text(boot.Path == BootPath.Pvh ? "pvh"u8 : "uefi"u8).Text(")"u8).End();
        Log.Info("boot"u8).Text("command line: \""u8).Text(boot.CommandLine).Text("\""u8).End();
        if (boot.CommandLineTruncated)
            Log.Warn("boot"u8).Text("command line longer than "u8).Decimal(BootInfo.CommandLineCapacity).Text(" bytes: truncated"u8).End();
        Log.Info("boot"u8).Text("image "u8).Hex(image.Start).Text("-"u8).Hex(image.End - 1).Text(", ACPI RSDP at "u8).Hex(boot.RsdpAddress).End();
        BootModuleLog.Print(boot);
        PrintMemoryMap(boot.Memory);
        if (image.Overflowed)
            Fail("boot"u8, "image has more sections than the kernel maps: "u8, ImageLayout.MaxSections);
        if (boot.Memory.TotalBytes(MemoryKind.Usable) == 0)
            Fail("memory"u8, "the boot protocol reported no usable memory"u8, ReadOnlySpan<byte>.Empty);

        MapStatus status = KernelAddressSpace.Build(image, boot.Memory,
            new AddressRange(StackBounds.StackGuard, StackBounds.StackGuard + 4096),
            new AddressRange(StackBounds.TrapStackGuard, StackBounds.TrapStackGuard + 4096));
        if (status != MapStatus.Success)
            Fail("paging"u8, "cannot build the kernel page tables"u8, (ulong)status);
        KernelAddressSpace.Activate();
        Log.Info("paging"u8).Text("kernel address space active (cr3="u8).Hex(KernelAddressSpace.Root)
            .Text("), "u8).Decimal(TableFramePool.Used).Text(" of "u8).Decimal(TableFramePool.Capacity).Text(" table frames used"u8).End();
        AuditPageTables();

        ReadOnlySpan<byte> failedCheck = RuntimeSelfCheck.Run();
        if (!failedCheck.IsEmpty)
            Fail("runtime"u8, "self-check failed: "u8, failedCheck);
        Log.Info("runtime"u8).Text("self-check passed: class constructors, static data, boxing, casts, virtual and interface calls"u8).End();

        ReadOnlySpan<byte> scenarioName = BootCommandLine.Value(boot.CommandLine, ScenarioNames.Key);
        Scenario scenario = ScenarioNames.Parse(scenarioName);
        if (scenario == Scenario.Unknown)
            Fail("boot"u8, "unknown scenario: "u8, scenarioName);
        KernelAuditor.Configure(boot.CommandLine);
        if (scenario == Scenario.KernelCore)
        {
            if (!KernelCoreSmoke.Run(boot.Memory, image.End))
                Fail("core"u8, "kernel core smoke test failed"u8, ReadOnlySpan<byte>.Empty);
        }
        else if (scenario == Scenario.Dom0)
        {
            // Returns only when Dom0 could not be started.
            Dom0.Dom0Host.Run(boot, image);
            Fail("dom0"u8, "Dom0 could not be started (see the lines above)"u8, ReadOnlySpan<byte>.Empty);
        }
        else if (scenario >= Scenario.VmHello)
        {
            GuestLauncher? launcher = GuestHost.Start(boot, image);
            if (launcher is null || !VmScenarios.Run(scenario, launcher, launcher.Core, boot.CommandLine))
                Fail("scenario"u8, "failed: "u8, scenarioName);
        }
        else if (scenario != Scenario.Boot)
        {
            FaultScenarios.Run(scenario, image.ReadOnlyDataStart);
        }

        Log.Info("boot"u8).Text("done"u8).End();
        Cpu.Cpu.OutByte(DebugExit.Port, DebugExit.Success);
        Cpu.Cpu.HaltForever();
    }

    // W^X over the live page tables; any writable+executable mapping is fatal.
    public static void AuditPageTables()
    {
        PageTableAuditResult audit = KernelAddressSpace.Audit();
        if (audit.WritableExecutable != 0)
            Fail("paging"u8, "writable+executable mapping at "u8, audit.FirstWritableExecutable);
        Log.Info("paging"u8).Text("audit: "u8).Decimal(audit.Mappings).Text(" mappings, "u8).Size(audit.MappedBytes)
            .Text(" mapped, "u8).Size(audit.ExecutableBytes).Text(" executable, 0 writable+executable"u8).End();
    }

    private static void PrintMemoryMap(MemoryMap memory)
    {
        foreach (MemoryRegion region in memory.Regions)
        {
            Log.Info("memory"u8).Hex(region.Base).Text("-"u8).Hex(region.End - 1).Text(" "u8)
                .Text(MemoryKindNames.Of(region.Kind)).Text(" ("u8).Size(region.Length).Text(")"u8).End();
        }
        Log.Info("memory"u8).Decimal((ulong)memory.Count).Text(" regions, "u8).Size(memory.TotalBytes(MemoryKind.Usable)).Text(" usable"u8).End();
        if (memory.Rejected != 0)
            Log.Warn("memory"u8).Decimal((ulong)memory.Rejected).Text(" memory-map entries ignored (malformed or beyond capacity)"u8).End();
    }

    private static void Fail(ReadOnlySpan<byte> subsystem, ReadOnlySpan<byte> reason, ulong value)
    {
        if (!Panic.Begin())
            Panic.Stop();
        Log.Panic(subsystem).Text(reason).Hex(value).End();
        Panic.Halt();
    }

    private static void Fail(ReadOnlySpan<byte> subsystem, ReadOnlySpan<byte> reason, ReadOnlySpan<byte> detail)
    {
        if (!Panic.Begin())
            Panic.Stop();
        Log.Panic(subsystem).Text(reason).Text(detail).End();
        Panic.Halt();
    }
}
