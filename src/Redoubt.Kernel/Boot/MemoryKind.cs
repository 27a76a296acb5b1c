namespace Redoubt.Kernel.Boot;

// What a range of physical memory is, as far as the boot protocol tells.
public enum MemoryKind
{
    Usable,
    Reserved,
    AcpiReclaimable,
    AcpiNvs,
    Unusable,
    // UEFI: the loaded Redoubt image and data the loader allocated for it.
    Loader,
    // UEFI runtime services code and data: stays the firmware's after boot.
    FirmwareRuntime,
    Mmio,
    Persistent,
}
