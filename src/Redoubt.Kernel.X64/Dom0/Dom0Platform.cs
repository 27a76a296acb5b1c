using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Platform;
using Redoubt.Kernel.X64.Boot;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Paging;
using Redoubt.Kernel.Paging;

namespace Redoubt.Kernel.X64.Dom0;

// The platform controls Redoubt mediates for Dom0, read once from the ACPI tables before Dom0
// starts (AcpiTables.ReadPlatform): the ports PlatformPortPolicy rules, and the PCI
// configuration window, which Redoubt maps uncached for itself (Dom0Pci) and leaves out of
// Dom0's nested table. Dom0 does not start when the tables name a control Redoubt could not
// mediate.
internal static class Dom0Platform
{
    private static AcpiPlatform s_platform;
    private static PlatformPortPolicy? s_policy;

    public static AcpiPlatform Platform => s_platform;

    public static PlatformPortPolicy? Policy => s_policy;

    public static bool Read(ulong rsdp)
    {
        AcpiPlatform platform = default;
        if (rsdp != 0)
        {
            var memory = new PhysicalAcpiMemory();
            AcpiStatus status = AcpiTables.ReadPlatform(ref memory, rsdp, out platform);
            if (status != AcpiStatus.Success)
            {
                Log.Error("acpi"u8).Text("cannot read the platform's power controls: ACPI status "u8).Decimal((ulong)status).End();
                return false;
            }
        }
        if (platform.EcamBase != 0 && KernelAddressSpace.Table.Map(platform.EcamStart, platform.EcamStart, platform.EcamEnd - platform.EcamStart,
            PageAttributes.Writable | PageAttributes.Uncached) != MapStatus.Success)
        {
            Log.Error("acpi"u8).Text("cannot map the PCI configuration window for Redoubt"u8).End();
            return false;
        }
        s_platform = platform;
        s_policy = new PlatformPortPolicy(platform);
        if (!Dom0ResetRegister.Map())
        {
            Log.Error("acpi"u8).Text("cannot map the reset register's page for Redoubt"u8).End();
            return false;
        }
        Log.Info("acpi"u8).Text("platform: PM1a control "u8).Hex(platform.Pm1aControl).Text(", PM1b control "u8).Hex(platform.Pm1bControl)
            .Text(", PM1a status "u8).Hex(platform.Pm1aStatus).Text(", SLP_TYP S3 "u8).Decimal(platform.HasS3 ? platform.S3TypeA : 8UL)
            .Text(" S5 "u8).Decimal(platform.HasS5 ? platform.S5TypeA : 8UL).Text(" (8: none)"u8).End();
        Log.Info("acpi"u8).Text("platform: reset register "u8).Text(platform.ResetSupported ? "in space "u8 : "none, space "u8)
            .Decimal(platform.ResetSpace).Text(" at "u8).Hex(platform.ResetAddress).Text(" value "u8).Hex(platform.ResetValue)
            .Text(", FACS "u8).Hex(platform.Facs).Text(", ECAM "u8).Hex(platform.EcamStart).Text("-"u8).Hex(platform.EcamEnd).End();
        if (!platform.HasS5)
            Log.Warn("acpi"u8).Text("no \\_S5_ in the DSDT: Redoubt refuses every sleep request, so Dom0 cannot power off"u8).End();
        return true;
    }
}
