using System;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.X64.Boot;
using Redoubt.Kernel.X64.Console;

namespace Redoubt.Kernel.X64.Dom0;

// What Dom0 must not find in the firmware's ACPI tables: the IOMMUs (DMAR, IVRS) and the TPM
// (TPM2, TCPA), which Redoubt keeps. Their entries leave the XSDT and RSDT before Dom0 boots
// (AcpiTables.HideTables, docs/acpi.md), and their register windows are returned so that they
// are left out of Dom0's nested table.
internal static class Dom0Acpi
{
    public const int MaxWindows = 16;
    private const int MaxHidden = 8;

    private static readonly uint[] s_kept = [AcpiSignature.Dmar, AcpiSignature.Ivrs, AcpiSignature.Tpm2, AcpiSignature.Tcpa];

    // The count of register windows written to windows; -1 (logged) when the tables could not
    // be rewritten, and then Dom0 must not start: it would find what Redoubt keeps.
    public static int HideKeptDevices(ulong rsdp, Span<AcpiRegisterWindow> windows)
    {
        if (rsdp == 0)
        {
            Log.Warn("acpi"u8).Text("no ACPI RSDP: no tables to hide from Dom0"u8).End();
            return 0;
        }
        var memory = new PhysicalAcpiMemory();
        Span<AcpiHiddenTable> hidden = stackalloc AcpiHiddenTable[MaxHidden];
        AcpiStatus status = AcpiTables.HideTables(ref memory, rsdp, s_kept, hidden, out int hiddenCount, windows, out int windowCount);
        if (status != AcpiStatus.Success)
        {
            Log.Error("acpi"u8).Text("cannot hide the IOMMU and TPM tables from Dom0: ACPI status "u8).Decimal((ulong)status).End();
            return -1;
        }
        Span<byte> name = stackalloc byte[4];
        for (int i = 0; i < hiddenCount; i++)
        {
            uint signature = hidden[i].Signature;
            for (int b = 0; b < 4; b++)
                name[b] = (byte)(signature >> (8 * b));
            Log.Info("acpi"u8).Text("hidden from Dom0: "u8).Text(name).Text(" at "u8).Hex(hidden[i].Address).Text(" ("u8).Decimal(hidden[i].Length)
                .Text(" bytes)"u8).End();
        }
        for (int i = 0; i < windowCount; i++)
            Log.Info("acpi"u8).Text("kept from Dom0: registers "u8).Hex(windows[i].Base).Text("-"u8).Hex(windows[i].End - 1).End();
        return windowCount;
    }
}
