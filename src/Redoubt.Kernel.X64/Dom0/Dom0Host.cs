using System;
using System.Runtime.InteropServices;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Paging;
using Redoubt.Kernel.Virtualization;
using Redoubt.Kernel.X64.Boot;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Cpu;
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
    private const int InterruptStackFrames = 4;
    // Dom0's address space tag: the last the CPU has (VMs take 1 to MaxVms).
    private static uint Asid => SvmHost.AsidCount - 1;

    private static KernelCore<RangePhysicalMemory>? s_core;
    private static ulong s_iopm, s_msrpm;

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
        Span<uint> apicIds = stackalloc uint[DescriptorTables.MaxCpus];
        int cpuCount = MachineCpus.Find(boot, apicIds);
        KernelConfig config = GuestHost.Config with { CpuCount = cpuCount < 1 ? 1 : cpuCount };
        KernelCore<RangePhysicalMemory>? core = GuestHost.CreateCore(boot, imageRange, archive, PoolFloorFrames + usableFrames / PoolRamShare, config);
        if (core is null || !SvmHost.Initialize(core.Vcpus.Length, GuestHost.Config.MaxVms))
            return;
        Dom0Cpus.Configure(boot.CommandLine);
        Span<byte> appended = stackalloc byte[512];
        ReadOnlySpan<byte> dom0Arguments = Dom0Marker.Place(boot.CommandLine, Dom0CommandLine.Appended(boot.CommandLine), appended);
        if (!Dom0Loader.Load(core, boot, archive, dom0Arguments, out Dom0Entry entry))
            return;
        Span<AcpiRegisterWindow> windows = stackalloc AcpiRegisterWindow[Dom0Acpi.MaxWindows];
        int windowCount = Dom0Acpi.HideKeptDevices(boot.RsdpAddress, windows);
        if (windowCount < 0 || !Dom0Platform.Read(boot.RsdpAddress) || !Dom0Devices.Map(core, PhysicalAddressLimit(), windows.Slice(0, windowCount)))
            return;

        ulong iopm = TableFramePool.AllocateContiguous(SvmHost.IopmFrames), msrpm = TableFramePool.AllocateContiguous(SvmHost.MsrpmFrames);
        if (iopm == 0 || msrpm == 0 || !CreateCpus(apicIds.Slice(0, cpuCount)) || !LocalApic.Map())
        {
            Log.Error("dom0"u8).Text("no kernel frames left for Dom0's VMCBs and permission maps"u8).End();
            return;
        }
        Dom0Permissions.FillIoMap(new Span<byte>((void*)iopm, SvmHost.IopmFrames * 4096), Dom0Platform.Policy);
        PlatformPower.Attach(core);
        Dom0Pci.Attach(core);
        Dom0MsrPolicy.FillPermissionMap(new Span<byte>((void*)msrpm, SvmHost.MsrpmFrames * 4096));
        s_core = core;
        s_iopm = iopm;
        s_msrpm = msrpm;
        Dom0Cpu boot0 = Dom0Cpus.All[0];
        boot0.Vcpu.Switch.Rsi = entry.ZeroPage;
        Dom0Vmcb.InitializeBoot(boot0.Vcpu.Vmcb, core.Dom0Table.Root, Asid, iopm, msrpm, entry);
        StartSecondaryCpus();

        FrameTable frames = core.Machine.Frames;
        Log.Info("dom0"u8).Text("Dom0 owns "u8).Size(frames.Count(FrameState.Dom0) * 4096).Text(" of RAM and "u8).Decimal((ulong)Dom0Cpus.All.Length)
            .Text(" CPUs; Redoubt keeps "u8).Size((frames.FrameCount - frames.Count(FrameState.Dom0) - frames.Count(FrameState.Mmio)) * 4096)
            .Text("; devices mapped up to "u8).Hex(PhysicalAddressLimit()).End();
        Log.Info("dom0"u8).Text("entering Linux at "u8).Hex(entry.KernelAddress).Text("; Redoubt's log continues on COM2, COM1 is Dom0's console"u8).End();
        SerialConsole.MoveTo(SerialPort.Com2);
        Log.Info("dom0"u8).Text("Redoubt "u8).Text(KernelVersion.Text).Text(": log continued from COM1; Dom0 starts at "u8).Hex(entry.KernelAddress).End();
        boot0.StartState = Dom0Cpu.Running;
        Dom0Runner.Run(core, boot0);
    }

    // One Dom0Cpu per CPU, the boot CPU first (index 0), each with its own VMCB, XSAVE area,
    // host save area and interrupt stack, all from the kernel's own pool.
    private static bool CreateCpus(ReadOnlySpan<uint> apicIds)
    {
        uint self = LocalApic.Map() ? LocalApic.Id : 0;
        var cpus = new Dom0Cpu[apicIds.Length < 1 ? 1 : apicIds.Length];
        int next = 1;
        for (int i = 0; i < cpus.Length; i++)
        {
            uint apicId = apicIds.Length == 0 ? self : apicIds[i];
            bool bootCpu = apicId == self;
            int index = bootCpu ? 0 : next++;
            if (index >= cpus.Length)
                return false;
            ulong vmcb = TableFramePool.Allocate(), xsave = TableFramePool.Allocate();
            ulong hostSave = bootCpu ? SvmHost.HostSaveArea : TableFramePool.Allocate();
            ulong hostState = bootCpu ? SvmHost.HostStateArea : TableFramePool.Allocate();
            ulong trapStack = bootCpu ? 0 : TableFramePool.AllocateContiguous(InterruptStackFrames);
            if (vmcb == 0 || xsave == 0 || hostSave == 0 || hostState == 0 || (!bootCpu && trapStack == 0))
                return false;
            var vcpu = new SvmVcpu(vmcb, xsave, SvmHost.Cpuid);
            // The reset state of x87/SSE/AVX: an all-zero XSAVE header and MXCSR 1F80h.
            *(uint*)(xsave + 24) = 0x1F80;
            vcpu.Switch = new SvmWorldSwitch
            {
                GuestXsaveArea = xsave, GuestXcr0 = 1, HostXcr0 = SvmSupport.HostXcr0, SwitchedComponents = SvmSupport.Dom0Components,
                GuestSpecCtrl = HostMsrs.HostSpecCtrl, HostSpecCtrl = HostMsrs.HostSpecCtrl,
            };
            cpus[index] = new Dom0Cpu(index, apicId, vcpu, hostSave, hostState, bootCpu ? 0 : trapStack + InterruptStackFrames * 4096);
        }
        if (cpus[0] is null)
            return false;
        Dom0Cpus.Set(cpus);
        return true;
    }

    // Every other CPU starts now and waits in Redoubt until Dom0 starts its vCPU.
    private static void StartSecondaryCpus()
    {
        Dom0Cpu[] cpus = Dom0Cpus.All;
        if (cpus.Length == 1 || !SecondaryCpus.Prepare())
            return;
        MtrrSync.Capture();
        int online = 1;
        for (int i = 1; i < cpus.Length; i++)
        {
            if (SecondaryCpus.Start(cpus[i].ApicId, i, &SecondaryMain))
                online++;
        }
        Log.Info("smp"u8).Text(""u8).Decimal((ulong)online).Text(" of "u8).Decimal((ulong)cpus.Length).Text(" CPUs online under Redoubt"u8).End();
    }

    // A secondary CPU's life: its own GDT, TSS and SVM, then wait (halted) for Dom0's STARTUP and run
    // its vCPU for good. Allocates nothing (SecondaryCpus' invariant).
    [UnmanagedCallersOnly]
    private static void SecondaryMain(ulong index)
    {
        Dom0Cpu cpu = Dom0Cpus.All[(int)index];
        DescriptorTables.Install((int)index, cpu.TrapStackTop);
        SecondaryCpus.Mailbox->Arrived = 1;
        bool mtrrsCopied = MtrrSync.Apply();
        if (!SvmSupport.Enable(cpu.HostSaveArea))
        {
            Log.Error("smp"u8).Text("CPU "u8).Decimal(index).Text(": SVM cannot be enabled; it stops"u8).End();
            Cpu.Cpu.HaltForever();
        }
        Log.Info("smp"u8).Text("CPU "u8).Decimal(index).Text(" (APIC ID "u8).Decimal(LocalApic.Id)
            .Text(mtrrsCopied ? "), its MTRRs set as the boot CPU's, waits for Dom0's STARTUP"u8 : ") waits for Dom0's STARTUP"u8).End();
        // Halted, not spinning: under QEMU a spinning CPU takes a host core from the others.
        // Dom0Apic wakes it with an NMI (which the halt takes with interrupts off) until it
        // answers Running.
        while (cpu.StartState != Dom0Cpu.Started)
            Cpu.Cpu.Halt();
        cpu.StartState = Dom0Cpu.Running;
        Dom0Vmcb.InitializeStartup(cpu.Vcpu.Vmcb, s_core!.Dom0Table.Root, Asid, s_iopm, s_msrpm, cpu.StartVector);
        Dom0Runner.Run(s_core, cpu);
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
