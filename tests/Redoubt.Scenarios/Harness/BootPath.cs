namespace Redoubt.Scenarios.Harness;

/// <summary>How QEMU hands the kernel control.</summary>
public enum BootPath
{
    /// <summary>`-kernel redoubt.elf`: QEMU's PVH loader, command line from `-append`.</summary>
    Pvh,

    /// <summary>OVMF firmware booting BOOTX64.EFI from an ESP; command line from fw_cfg.</summary>
    Uefi,
}
