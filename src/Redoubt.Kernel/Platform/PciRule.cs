namespace Redoubt.Kernel.Platform;

// Which rule of PciConfigFilter decided; PciRuleNames gives the log text.
public enum PciRule : byte
{
    None,
    // Not 1, 2 or 4 bytes, not naturally aligned, or past the 4 KiB of a function.
    BadAccess,
    // The IOMMU (class 0806h): reads all ones, writes dropped, as a function that is absent.
    HiddenFunction,
    // A memory BAR moved over RAM or a range Redoubt keeps while memory decoding is on.
    Bar,
    // The expansion ROM BAR, enabled, over RAM or a kept range.
    RomBar,
    // A bridge's memory or prefetchable window over RAM or a kept range.
    BridgeWindow,
    // Memory decoding turned on while a BAR, ROM or window lies over RAM or a kept range.
    Command,
    // The host bridge's PCIEXBAR (q35: 00:00.0, 60h-67h): the configuration window stays put.
    EcamBase,
    // The power-management base (ICH9 PMBASE/ACPI_CNTL, PIIX4 PMBA): the PM1 blocks stay put.
    PmBase,
    // A chipset register that re-routes physical memory: ICH9's RCBA, q35's SMRAM/ESMRAMC and
    // TOUUD/TOLUD, an AMD northbridge's (bus 0, device 18h) DRAM, MMIO and configuration maps.
    ChipsetMap,
    // SR-IOV or Resizable BAR registers (extended capabilities): they place or resize memory
    // decoding that the BAR rules do not see.
    ExtendedCapability,
    // A CardBus bridge's BARs and windows while it decodes memory (Redoubt does not check them).
    CardBus,
    // MSI message data with a delivery mode other than fixed or lowest priority (SMI, NMI, INIT,
    // ExtINT): Dom0 would signal CPUs in ways only Redoubt may.
    MsiDeliveryMode,
}
