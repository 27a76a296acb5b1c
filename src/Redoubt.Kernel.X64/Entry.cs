using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Redoubt.Kernel.X64.Boot;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Cpu;
using Redoubt.Kernel.X64.Traps;

namespace Redoubt.Kernel.X64;

// The two ways into the kernel. Boot/pvh.asm calls PvhMain on the kernel stack; Boot/uefi.asm
// calls UefiMain on the firmware's stack, which moves to the kernel stack after leaving boot
// services. Both then run KernelMain.Start.
internal static unsafe class Entry
{
    private static BootInfo? s_uefiBoot;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtRunOnKernelStack")]
    private static extern void RunOnKernelStack(delegate* unmanaged<nint, void> function, nint argument);

    // Safe: startInfo is the address the PVH loader passed in EBX; PvhBoot checks its magic
    // before reading anything else, and the boot stub's map covers the first 4 GiB.
    [UnmanagedCallersOnly(EntryPoint = "RedoubtPvhMain")]
    private static void PvhMain(PvhStartInfo* startInfo)
    {
        // First, so that any fault from here on is a named panic, not a silent triple fault.
        DescriptorTables.Install(StackBounds.TrapStackTop);
        SerialPort.Initialize(SerialPort.Com1);
        BootInfo boot = PvhBoot.Read(startInfo, out bool valid);
        if (!valid)
        {
            Panic.Begin();
            Log.Panic("boot"u8).Text("no valid PVH start_info at "u8).Hex((ulong)startInfo).End();
            Panic.Halt();
        }
        KernelMain.Start(boot, ImageLayout.FromElf());
    }

    [UnmanagedCallersOnly(EntryPoint = "RedoubtUefiMain")]
    private static ulong UefiMain(nint imageHandle, byte* systemTable)
    {
        SerialPort.Initialize(SerialPort.Com1);
        Log.Info("boot"u8).Text("UEFI: reading the memory map and leaving boot services"u8).End();
        BootInfo boot = UefiBoot.ExitBootServices(imageHandle, systemTable, out ulong status);
        if (status != 0)
        {
            // Boot services are still up: returning hands the error back to the firmware.
            Log.Error("boot"u8).Text("UEFI: ExitBootServices failed, status "u8).Hex(status).End();
            return status;
        }
        // Boot services are gone: interrupts stay off until Redoubt has handlers for them.
        Cpu.Cpu.DisableInterrupts();
        DescriptorTables.Install(StackBounds.TrapStackTop);
        FirmwareConfig.ReadFileInto("opt/org.redoubt/cmdline"u8, boot);
        s_uefiBoot = boot;
        RunOnKernelStack(&ContinueUefi, 0);
        return 0;
    }

    [UnmanagedCallersOnly]
    private static void ContinueUefi(nint unused) => KernelMain.Start(s_uefiBoot!, ImageLayout.FromPe());
}
