using System;

namespace Redoubt.Kernel.Boot;

// ACPI table signatures as their four ASCII bytes read as a little-endian uint, so a signature
// is one integer compare. Sources: ACPI 6.5 5.2.5-5.2.8 and tables 5.5/5.6 (RSDT, XSDT, APIC),
// Intel VT-d spec 8.1 (DMAR), AMD IOMMU spec 5.2 (IVRS), TCG ACPI spec (TPM2, TCPA).
public static class AcpiSignature
{
    public const uint Rsdt = (uint)'R' | (uint)'S' << 8 | (uint)'D' << 16 | (uint)'T' << 24;
    public const uint Xsdt = (uint)'X' | (uint)'S' << 8 | (uint)'D' << 16 | (uint)'T' << 24;
    public const uint Madt = (uint)'A' | (uint)'P' << 8 | (uint)'I' << 16 | (uint)'C' << 24;
    public const uint Dmar = (uint)'D' | (uint)'M' << 8 | (uint)'A' << 16 | (uint)'R' << 24;
    public const uint Ivrs = (uint)'I' | (uint)'V' << 8 | (uint)'R' << 16 | (uint)'S' << 24;
    public const uint Tpm2 = (uint)'T' | (uint)'P' << 8 | (uint)'M' << 16 | (uint)'2' << 24;
    public const uint Tcpa = (uint)'T' | (uint)'C' << 8 | (uint)'P' << 16 | (uint)'A' << 24;
    // ACPI 6.5 5.2.9 (FADT, signature "FACP"), 5.2.11.1 (DSDT); PCI Firmware 3.2 4.1.2 (MCFG).
    public const uint Fadt = (uint)'F' | (uint)'A' << 8 | (uint)'C' << 16 | (uint)'P' << 24;
    public const uint Dsdt = (uint)'D' | (uint)'S' << 8 | (uint)'D' << 16 | (uint)'T' << 24;
    public const uint Mcfg = (uint)'M' | (uint)'C' << 8 | (uint)'F' << 16 | (uint)'G' << 24;

    // What HideTables writes over a hidden table's signature: "RDBT" (Redoubt), assigned by no
    // specification. A person reading a memory dump sees who hid the table; the report of
    // HideTables keeps the original signature.
    public const uint Hidden = (uint)'R' | (uint)'D' << 8 | (uint)'B' << 16 | (uint)'T' << 24;

    // The signature spelled by four ASCII bytes, or 0 when name is not four bytes long.
    public static uint FromAscii(ReadOnlySpan<byte> name) =>
        name.Length == 4 ? name[0] | (uint)name[1] << 8 | (uint)name[2] << 16 | (uint)name[3] << 24 : 0;
}
