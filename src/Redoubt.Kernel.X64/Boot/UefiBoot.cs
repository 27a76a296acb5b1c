using Redoubt.Kernel.Boot;

namespace Redoubt.Kernel.X64.Boot;

// The UEFI hand-off: read the boot archive from the ESP (EspFile), read the memory map, find the
// ACPI RSDP, leave boot services. Only boot services Redoubt needs are called; after
// ExitBootServices the firmware owns nothing but its runtime regions, which the kernel never maps.
// Safe: the system table and boot-services pointers come from the firmware's entry arguments;
// descriptors are read within the size GetMemoryMap reported, in a buffer Redoubt owns.
internal static unsafe class UefiBoot
{
    // Offsets in EFI_SYSTEM_TABLE and EFI_BOOT_SERVICES (UEFI 2.10, 4.3 and 4.4).
    private const int SystemTableBootServices = 96, SystemTableEntryCount = 104, SystemTableConfiguration = 112;
    private const int BootServicesGetMemoryMap = 56, BootServicesExitBootServices = 232;
    private const ulong Success = 0, BufferTooSmall = 0x8000000000000005, InvalidParameter = 0x8000000000000002;

    // EFI_ACPI_20_TABLE_GUID 8868e871-e4f1-11d3-bc22-0080c73c8881, as two little-endian words.
    private const ulong AcpiGuidLow = 0x11d3e4f18868e871, AcpiGuidHigh = 0x81883cc7800022bc;

    private static readonly byte[] s_memoryMapBuffer = new byte[32 * 1024];

    public static BootInfo ExitBootServices(nint imageHandle, byte* systemTable, out ulong status)
    {
        BootInfo info = new BootInfo(BootPath.Uefi);
        info.RsdpAddress = FindRsdp(systemTable);
        byte* bootServices = *(byte**)(systemTable + SystemTableBootServices);
        // First: its page allocation changes the memory map read below.
        EspFile.Read(imageHandle, bootServices, info);
        var getMemoryMap = (delegate* unmanaged<ulong*, byte*, ulong*, ulong*, uint*, ulong>)*(nint*)(bootServices + BootServicesGetMemoryMap);
        var exitBootServices = (delegate* unmanaged<nint, ulong, ulong>)*(nint*)(bootServices + BootServicesExitBootServices);

        fixed (byte* buffer = s_memoryMapBuffer)
        {
            ulong size = 0, key = 0, descriptorSize = 0;
            uint descriptorVersion = 0;
            status = InvalidParameter;
            // The map key changes whenever the firmware allocates: retry as the spec prescribes.
            for (int attempt = 0; attempt < 4 && status != Success; attempt++)
            {
                size = (ulong)s_memoryMapBuffer.Length;
                status = getMemoryMap(&size, buffer, &key, &descriptorSize, &descriptorVersion);
                if (status != Success)
                    continue;
                status = exitBootServices(imageHandle, key);
            }
            if (status != Success)
                return info;
            // A descriptor smaller than the spec's leaves the map unread: KernelMain then stops
            // the boot with "no usable memory".
            if (descriptorSize < 40)
                return info;
            for (ulong offset = 0; offset + descriptorSize <= size; offset += descriptorSize)
            {
                byte* descriptor = buffer + offset;
                uint type = *(uint*)descriptor;
                ulong start = *(ulong*)(descriptor + 8);
                ulong pages = *(ulong*)(descriptor + 24);
                // A page count whose byte size overflows is malformed: Add rejects length 0.
                info.Memory.Add(start, pages < 1UL << 52 ? pages * 4096 : 0, MemoryKindNames.FromUefi(type));
            }
        }
        return info;
    }

    private static ulong FindRsdp(byte* systemTable)
    {
        ulong count = *(ulong*)(systemTable + SystemTableEntryCount);
        byte* table = *(byte**)(systemTable + SystemTableConfiguration);
        for (ulong i = 0; i < count; i++, table += 24)
        {
            if (*(ulong*)table == AcpiGuidLow && *(ulong*)(table + 8) == AcpiGuidHigh)
                return *(ulong*)(table + 16);
        }
        return 0;
    }
}
