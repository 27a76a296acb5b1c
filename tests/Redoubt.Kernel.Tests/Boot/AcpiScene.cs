using static Redoubt.Kernel.Tests.Boot.AcpiTableBuilder;

namespace Redoubt.Kernel.Tests.Boot;

// A machine's ACPI tables in 320 KiB of memory at address 0: an RSDP of revision 2 at 4F000h
// naming an XSDT and an RSDT that both list FACP, APIC, HPET, DMAR, IVRS, TPM2, TCPA and MCFG
// (an Intel and an AMD IOMMU on one machine is not realistic, but exercises both parsers).
public static class AcpiScene
{
    public const ulong MemorySize = 0x5_0000;
    public const ulong RsdpAt = 0x4_F000, XsdtAt = 0x10000, RsdtAt = 0x11000;
    public const ulong FacpAt = 0x12000, ApicAt = 0x13000, HpetAt = 0x14000, DmarAt = 0x15000, IvrsAt = 0x16000, Tpm2At = 0x17000, TcpaAt = 0x18000;
    public const ulong McfgAt = 0x19000;

    public static readonly ulong[] Tables = [FacpAt, ApicAt, HpetAt, DmarAt, IvrsAt, Tpm2At, TcpaAt, McfgAt];
    public static readonly string[] Signatures = ["FACP", "APIC", "HPET", "DMAR", "IVRS", "TPM2", "TCPA", "MCFG"];

    public const uint LocalApicBase = 0xFEE0_0000;
    public const ulong VtdBase = 0xFED9_0000, AmdViBase = 0xFED8_0000, CrbControlArea = 0xFED4_0040;

    // CPUs: APIC IDs 0 and 2 enabled, 4 disabled, 6 online capable, x2APIC 0x100 enabled.
    public static byte[] MadtTable() => Madt(LocalApicBase,
        LocalApic(0, 0, 1), LocalApic(1, 2, 1), LocalApic(2, 4, 0), LocalApic(3, 6, 2),
        IoApic(0, 0xFEC0_0000, 0), InterruptOverride(0, 2), LocalApicNmi(), X2Apic(0x100, 1, 4));

    public static AcpiTestMachine Build(byte rsdpRevision = 2, bool withXsdt = true, bool withRsdt = true)
    {
        var machine = new AcpiTestMachine().Add(0, new byte[MemorySize]);
        machine.Write(RsdpAt, Rsdp(rsdpRevision, withRsdt ? (uint)RsdtAt : 0, withXsdt ? XsdtAt : 0));
        if (withXsdt)
            machine.Write(XsdtAt, Xsdt(Tables));
        if (withRsdt)
            machine.Write(RsdtAt, Rsdt(System.Array.ConvertAll(Tables, t => (uint)t)));
        machine.Write(FacpAt, Table("FACP", new byte[208], revision: 6));
        machine.Write(ApicAt, MadtTable());
        machine.Write(HpetAt, Table("HPET", new byte[20]));
        machine.Write(DmarAt, Dmar(Drhd(VtdBase), Rmrr(0x9_0000, 0x9_FFFF)));
        machine.Write(IvrsAt, Ivrs(Ivhd(0x10, AmdViBase), Ivhd(0x11, AmdViBase), Ivmd(0xA_0000, 0x1000)));
        machine.Write(Tpm2At, Tpm2(CrbControlArea, 7));
        machine.Write(TcpaAt, Tcpa());
        machine.Write(McfgAt, Table("MCFG", new byte[24]));
        return machine;
    }
}
