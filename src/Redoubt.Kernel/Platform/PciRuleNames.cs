using System;

namespace Redoubt.Kernel.Platform;

// Log text for each PciRule.
public static class PciRuleNames
{
    public static ReadOnlySpan<byte> Of(PciRule rule) => rule switch
    {
        PciRule.BadAccess => "not an aligned access of 1, 2 or 4 bytes"u8,
        PciRule.HiddenFunction => "the IOMMU's function, hidden from Dom0"u8,
        PciRule.Bar => "a BAR over memory Dom0 may not decode"u8,
        PciRule.RomBar => "an expansion ROM BAR over memory Dom0 may not decode"u8,
        PciRule.BridgeWindow => "a bridge window over memory Dom0 may not decode"u8,
        PciRule.Command => "memory decoding on while a BAR lies over memory Dom0 may not decode"u8,
        PciRule.EcamBase => "a move of the configuration window (PCIEXBAR)"u8,
        PciRule.PmBase => "a move of the ACPI power-management ports (PMBASE)"u8,
        PciRule.ChipsetMap => "a chipset register that re-routes physical memory"u8,
        PciRule.ExtendedCapability => "an SR-IOV or Resizable BAR register"u8,
        PciRule.CardBus => "a CardBus bridge's decoding"u8,
        PciRule.MsiDeliveryMode => "an MSI delivery mode of SMI, NMI, INIT or ExtINT"u8,
        _ => "nothing"u8,
    };
}
