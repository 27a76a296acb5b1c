using System;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.X64.Console;

namespace Redoubt.Kernel.X64.Boot;

// The boot line saying where the boot archive came from (docs/console-protocol.md), and the
// warning when the UEFI path found \EFI\redoubt\boot.cpio but could not read it. Printed by
// KernelMain: UefiBoot reads the file before ExitBootServices and only records what happened.
internal static class BootModuleLog
{
    public static void Print(BootInfo boot)
    {
        if (boot.ModuleSource != BootModuleSource.None)
        {
            Log.Info("boot"u8).Text("boot archive: "u8)
                .Text(boot.ModuleSource == BootModuleSource.PvhModule ? "PVH module"u8 : EspFile.PathText)
                .Text(boot.ModuleSource == BootModuleSource.EspFile ? " on the ESP"u8 : ""u8)
                .Text(" at "u8).Hex(boot.ModuleBase).Text(" ("u8).Decimal(boot.ModuleLength).Text(" bytes)"u8).End();
            return;
        }
        if (boot.EspFailedStep == EspReadStep.None)
        {
            Log.Info("boot"u8).Text("boot archive: none (no "u8)
                .Text(boot.Path == BootPath.Pvh ? "PVH module"u8 : EspFile.PathText)
                .Text(boot.Path == BootPath.Pvh ? ""u8 : " on the ESP"u8).Text(")"u8).End();
            return;
        }
        var line = Log.Warn("boot"u8);
        line.Text("boot archive: "u8).Text(EspFile.PathText).Text(" on the ESP not read: "u8);
        switch (boot.EspFailedStep)
        {
            case EspReadStep.NotAFile:
                line.Text("it is a directory"u8);
                break;
            case EspReadStep.Empty:
                line.Text("it is empty"u8);
                break;
            case EspReadStep.TooLarge:
                line.Text("its "u8).Decimal(boot.EspFileSize).Text(" bytes exceed the limit of "u8).Size(EspFile.MaxBytes);
                break;
            default:
                line.Text(StepName(boot.EspFailedStep)).Text(" failed, EFI status "u8).Hex(boot.EspStatus);
                break;
        }
        line.End();
    }

    private static ReadOnlySpan<byte> StepName(EspReadStep step) => step switch
    {
        EspReadStep.LoadedImage => "HandleProtocol(loaded image)"u8,
        EspReadStep.FileSystem => "HandleProtocol(simple file system)"u8,
        EspReadStep.OpenVolume => "OpenVolume"u8,
        EspReadStep.Open => "Open"u8,
        EspReadStep.GetInfo => "GetInfo"u8,
        EspReadStep.AllocatePages => "AllocatePages"u8,
        EspReadStep.Read => "Read"u8,
        _ => "reading"u8,
    };
}
