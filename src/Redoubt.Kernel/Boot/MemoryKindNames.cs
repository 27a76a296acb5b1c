using System;

namespace Redoubt.Kernel.Boot;

public static class MemoryKindNames
{
    public static ReadOnlySpan<byte> Of(MemoryKind kind) => kind switch
    {
        MemoryKind.Usable => "usable"u8,
        MemoryKind.Reserved => "reserved"u8,
        MemoryKind.AcpiReclaimable => "acpi-reclaimable"u8,
        MemoryKind.AcpiNvs => "acpi-nvs"u8,
        MemoryKind.Unusable => "unusable"u8,
        MemoryKind.Loader => "loader"u8,
        MemoryKind.FirmwareRuntime => "firmware-runtime"u8,
        MemoryKind.Mmio => "mmio"u8,
        MemoryKind.Persistent => "persistent"u8,
        _ => "unknown"u8,
    };

    // E820 / PVH memory map types (PVH start_info memmap entries use E820 numbering).
    public static MemoryKind FromE820(uint type) => type switch
    {
        1 => MemoryKind.Usable,
        3 => MemoryKind.AcpiReclaimable,
        4 => MemoryKind.AcpiNvs,
        5 => MemoryKind.Unusable,
        7 => MemoryKind.Persistent,
        _ => MemoryKind.Reserved,
    };

    // EFI_MEMORY_TYPE after ExitBootServices: boot-services memory is free again; the image the
    // loader placed (LoaderCode/LoaderData) is Redoubt's own.
    public static MemoryKind FromUefi(uint type) => type switch
    {
        1 or 2 => MemoryKind.Loader,
        3 or 4 or 7 => MemoryKind.Usable,
        5 or 6 => MemoryKind.FirmwareRuntime,
        8 => MemoryKind.Unusable,
        9 => MemoryKind.AcpiReclaimable,
        10 => MemoryKind.AcpiNvs,
        11 or 12 => MemoryKind.Mmio,
        14 => MemoryKind.Persistent,
        _ => MemoryKind.Reserved,
    };
}
