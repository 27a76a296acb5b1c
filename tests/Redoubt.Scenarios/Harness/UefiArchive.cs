namespace Redoubt.Scenarios.Harness;

/// <summary>Where a UEFI run's boot archive is.</summary>
public enum UefiArchive
{
    /// <summary>On the ESP as EFI/redoubt/boot.cpio, as on hardware (every standard run).</summary>
    Esp,

    /// <summary>Only in QEMU's fw_cfg file opt/org.redoubt/guests: the kernel's fallback when
    /// the ESP has no archive.</summary>
    FirmwareConfig,
}
