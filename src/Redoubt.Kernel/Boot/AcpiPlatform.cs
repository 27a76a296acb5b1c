namespace Redoubt.Kernel.Boot;

// The platform controls Redoubt keeps from Dom0, as the firmware describes them
// (AcpiTables.ReadPlatform): the PM1 control blocks (sleep: SLP_TYP, SLP_EN), the PM1a status
// register (WAK_STS), the SMI command port's S4BIOS request, the reset register (FADT, ACPI 6.5
// 5.2.9), the sleep types of S3 and S5 (the DSDT's \_S3_ and \_S5_ packages, 7.4.2) and the
// PCI configuration window of segment 0 (MCFG, PCI Firmware 3.2 4.1.2). A port of 0 is absent.
// Where the FADT gives a 32-bit block and a different 64-bit (X_) one, both are kept: ACPICA
// may use either.
public struct AcpiPlatform
{
    public const byte SpaceMemory = 0, SpaceIo = 1, SpacePciConfig = 2;

    public bool FadtFound { get; set; }

    // PM1a/PM1b control blocks (I/O ports), each PM1ControlLength bytes; the X_ variants when
    // they differ from the 32-bit ones.
    public ushort Pm1aControl { get; set; }
    public ushort Pm1bControl { get; set; }
    public ushort Pm1aControlX { get; set; }
    public ushort Pm1bControlX { get; set; }
    public byte Pm1ControlLength { get; set; }

    // PM1a status register: the first half of the PM1a event block (PM1EventLength / 2 bytes).
    public ushort Pm1aStatus { get; set; }
    public ushort Pm1aStatusX { get; set; }
    public byte Pm1EventLength { get; set; }

    // SMI_CMD and the value that asks the firmware to enter S4 itself (0: not supported).
    public ushort SmiCommand { get; set; }
    public byte S4BiosRequest { get; set; }

    // RESET_REG when the FADT flags it supported (RESET_REG_SUP): address space, address, value.
    public bool ResetSupported { get; set; }
    public byte ResetSpace { get; set; }
    public ulong ResetAddress { get; set; }
    public byte ResetValue { get; set; }

    // The FACS (its firmware waking vector) and the DSDT.
    public ulong Facs { get; set; }
    public ulong Dsdt { get; set; }

    // SLP_TYPa/SLP_TYPb of S3 and S5, when the DSDT names \_S3_ / \_S5_.
    public bool HasS3 { get; set; }
    public byte S3TypeA { get; set; }
    public byte S3TypeB { get; set; }
    public bool HasS5 { get; set; }
    public byte S5TypeA { get; set; }
    public byte S5TypeB { get; set; }

    // ECAM of segment 0: EcamBase is the address of bus 0 (0: no MCFG); the window is
    // [EcamStart, EcamEnd).
    public ulong EcamBase { get; set; }
    public byte EcamStartBus { get; set; }
    public byte EcamEndBus { get; set; }

    public readonly ulong EcamStart => EcamBase + ((ulong)EcamStartBus << 20);
    public readonly ulong EcamEnd => EcamBase == 0 ? 0 : EcamBase + (((ulong)EcamEndBus + 1) << 20);
}
