using System;
using System.Buffers.Binary;
using System.Linq;
using Redoubt.Kernel.Boot;
using Xunit;
using static Redoubt.Kernel.Tests.Boot.AcpiCalls;
using static Redoubt.Kernel.Tests.Boot.AcpiScene;
using static Redoubt.Kernel.Tests.Boot.AcpiTableBuilder;

namespace Redoubt.Kernel.Tests.Boot;

// FindTable and the checks of the RSDP and the root tables every operation starts with. Every
// refusal is also checked to write nothing (AcpiCalls.Find) and, through HideTables, to change
// nothing.
public class AcpiTablesTests
{
    private static void AssertRefused(AcpiTestMachine machine, AcpiStatus expected, ulong rsdp = RsdpAt)
    {
        Assert.Equal(expected, Find(machine, "APIC", rsdp));
        AssertHideRefused(machine, expected, rsdp);
    }

    [Fact]
    public void Finds_every_listed_table_with_its_length()
    {
        AcpiTestMachine machine = Build();
        for (int i = 0; i < Tables.Length; i++)
        {
            Assert.Equal(AcpiStatus.Success, Find(machine, Signatures[i], out ulong address, out uint length));
            Assert.Equal(Tables[i], address);
            Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(machine.Read(address + 4, 4)), length);
        }
        Assert.Equal(AcpiStatus.NotFound, Find(machine, "SSDT"));
        Assert.Equal(AcpiStatus.NotFound, Find(machine, "RSDT"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void An_acpi_1_rsdp_names_only_the_rsdt(byte revision)
    {
        // Whatever lies in bytes 20-35 of a revision 0 or 1 RSDP is not an XSDT address.
        AcpiTestMachine machine = Build(rsdpRevision: revision, withXsdt: false);
        machine.Write(RsdpAt + 24, U64(0xDEAD_0000));
        Assert.Equal(AcpiStatus.Success, Find(machine, "APIC", out ulong address, out _));
        Assert.Equal(ApicAt, address);
    }

    [Fact]
    public void Revision_2_without_an_xsdt_uses_the_rsdt()
    {
        AcpiTestMachine machine = Build(withXsdt: false);
        Assert.Equal(AcpiStatus.Success, Find(machine, "TPM2", out ulong address, out _));
        Assert.Equal(Tpm2At, address);
    }

    [Fact]
    public void The_xsdt_is_preferred_and_the_rsdt_still_checked()
    {
        AcpiTestMachine machine = Build();
        machine.Write(0x20000, MadtTable());
        machine.Write(RsdtAt, Rsdt(0x20000));
        Assert.Equal(AcpiStatus.Success, Find(machine, "APIC", out ulong address, out _));
        Assert.Equal(ApicAt, address);
        Assert.Equal(AcpiStatus.Success, Find(machine, "HPET"));

        machine.Bytes(RsdtAt + 36, 1)[0] ^= 1;
        AssertRefused(machine, AcpiStatus.BadTableChecksum);
    }

    [Fact]
    public void Null_entries_are_skipped()
    {
        AcpiTestMachine machine = Build();
        machine.Write(XsdtAt, Xsdt(0, FacpAt, 0, 0, ApicAt, 0));
        Assert.Equal(AcpiStatus.Success, Find(machine, "APIC", out ulong address, out _));
        Assert.Equal(ApicAt, address);
        Assert.Equal(AcpiStatus.NotFound, Find(machine, "DMAR"));
    }

    [Fact]
    public void A_longer_rsdp_is_summed_over_its_length()
    {
        AcpiTestMachine machine = Build();
        byte[] rsdp = Rsdp(2, (uint)RsdtAt, XsdtAt, length: 100);
        machine.Write(RsdpAt, rsdp);
        Assert.Equal(AcpiStatus.Success, Find(machine, "APIC"));
        machine.Write(RsdpAt + 60, [1]);
        AssertRefused(machine, AcpiStatus.BadRsdpExtendedChecksum);
    }

    [Fact]
    public void Rsdp_damage_is_refused()
    {
        AssertRefused(Build(), AcpiStatus.RsdpUnreadable, rsdp: MemorySize);
        AssertRefused(Build(), AcpiStatus.RsdpUnreadable, rsdp: ulong.MaxValue - 10);
        AssertRefused(Build(), AcpiStatus.BadRsdpSignature, rsdp: RsdpAt + 16);

        // A revision 2 RSDP whose first 20 bytes are readable and the rest not.
        AcpiTestMachine edge = Build();
        edge.Write(MemorySize - 20, Rsdp(2, (uint)RsdtAt, XsdtAt).AsSpan(0, 20));
        AssertRefused(edge, AcpiStatus.RsdpUnreadable, rsdp: MemorySize - 20);

        AcpiTestMachine signature = Build();
        signature.Bytes(RsdpAt + 7, 1)[0] = (byte)'X';
        FixRsdpChecksums(signature.Bytes(RsdpAt, 36));
        AssertRefused(signature, AcpiStatus.BadRsdpSignature);

        AcpiTestMachine checksum = Build();
        checksum.Bytes(RsdpAt + 9, 1)[0] ^= 0x20;
        AssertRefused(checksum, AcpiStatus.BadRsdpChecksum);

        foreach (uint length in new uint[] { 0, 20, 35, 4097, uint.MaxValue })
            AssertRefused(Place(Rsdp(2, (uint)RsdtAt, XsdtAt, length)), AcpiStatus.BadRsdpLength);

        AcpiTestMachine extended = Build();
        extended.Bytes(RsdpAt + 33, 1)[0] = 1;
        AssertRefused(extended, AcpiStatus.BadRsdpExtendedChecksum);

        AssertRefused(Place(Rsdp(2, 0, 0)), AcpiStatus.NoRootTable);
        AssertRefused(Place(Rsdp(0, 0)), AcpiStatus.NoRootTable);
    }

    // The scene with another RSDP.
    private static AcpiTestMachine Place(byte[] rsdp)
    {
        AcpiTestMachine machine = Build();
        machine.Write(RsdpAt, rsdp);
        return machine;
    }

    [Fact]
    public void Root_table_damage_is_refused()
    {
        AssertRefused(Place(Rsdp(2, (uint)RsdtAt, RsdtAt)), AcpiStatus.WrongSignature);
        AssertRefused(Place(Rsdp(2, (uint)XsdtAt, XsdtAt + 0x100)), AcpiStatus.WrongSignature);
        AssertRefused(Place(Rsdp(2, (uint)RsdtAt, MemorySize)), AcpiStatus.TableUnreadable);
        AssertRefused(Place(Rsdp(2, (uint)MemorySize, XsdtAt)), AcpiStatus.TableUnreadable);

        AcpiTestMachine checksum = Build();
        checksum.Bytes(XsdtAt + 40, 1)[0] ^= 1;
        AssertRefused(checksum, AcpiStatus.BadTableChecksum);

        // Lengths: below the header, not whole entries, above 1 MiB, past the memory's end.
        foreach (uint length in new uint[] { 0, 35, 37, 40, 36 + 8 * 8 + 4, AcpiTables.MaxTableLength + 8 })
        {
            AcpiTestMachine machine = Build();
            machine.Write(XsdtAt + 4, U32(length));
            FixChecksum(machine.Bytes(XsdtAt, 36 + 8 * 8));
            AssertRefused(machine, AcpiStatus.BadTableLength);
        }
        AcpiTestMachine rsdtLength = Build();
        rsdtLength.Write(RsdtAt + 4, U32(36 + 8 * 4 + 2));
        FixChecksum(rsdtLength.Bytes(RsdtAt, 36 + 8 * 4 + 2));
        AssertRefused(rsdtLength, AcpiStatus.BadTableLength);

        AcpiTestMachine pastEnd = Build();
        pastEnd.Write(MemorySize - 0x40, Xsdt(ApicAt));
        pastEnd.Write(MemorySize - 0x40 + 4, U32(36 + 4 * 8));
        pastEnd.Write(RsdpAt, Rsdp(2, (uint)RsdtAt, MemorySize - 0x40));
        AssertRefused(pastEnd, AcpiStatus.TableUnreadable);
    }

    [Fact]
    public void At_most_512_entries()
    {
        AcpiTestMachine machine = Build();
        machine.Write(0x40000, Xsdt([.. new ulong[AcpiTables.MaxRootEntries - 1], ApicAt]));
        machine.Write(RsdpAt, Rsdp(2, (uint)RsdtAt, 0x40000));
        Assert.Equal(AcpiStatus.Success, Find(machine, "APIC"));

        machine.Write(0x40000, Xsdt([.. new ulong[AcpiTables.MaxRootEntries], ApicAt]));
        AssertRefused(machine, AcpiStatus.TooManyEntries);
    }

    [Fact]
    public void Duplicates_cycles_and_overlaps_are_refused()
    {
        AcpiTestMachine duplicate = Build();
        duplicate.Write(XsdtAt, Xsdt(FacpAt, ApicAt, HpetAt, ApicAt));
        AssertRefused(duplicate, AcpiStatus.DuplicateEntry);

        AcpiTestMachine rsdtDuplicate = Build();
        rsdtDuplicate.Write(RsdtAt, Rsdt((uint)DmarAt, (uint)FacpAt, (uint)DmarAt));
        AssertRefused(rsdtDuplicate, AcpiStatus.DuplicateEntry);

        AcpiTestMachine lists = Build();
        lists.Write(XsdtAt, Xsdt(FacpAt, XsdtAt));
        AssertRefused(lists, AcpiStatus.OverlappingTables);

        AcpiTestMachine listsOther = Build();
        listsOther.Write(XsdtAt, Xsdt(FacpAt, RsdtAt));
        AssertRefused(listsOther, AcpiStatus.OverlappingTables);

        AcpiTestMachine rsdtListsXsdt = Build();
        rsdtListsXsdt.Write(RsdtAt, Rsdt((uint)XsdtAt));
        AssertRefused(rsdtListsXsdt, AcpiStatus.OverlappingTables);

        // A table header starting inside the XSDT's entries.
        AcpiTestMachine inside = Build();
        inside.Write(XsdtAt, Xsdt(ApicAt, XsdtAt + 8));
        AssertRefused(inside, AcpiStatus.OverlappingTables);

        // A table whose Length reaches into the RSDT (its checksum is never looked at).
        AcpiTestMachine reaching = Build();
        reaching.Write(RsdtAt - 0x40, Table("OEM1", []));
        reaching.Write(RsdtAt - 0x40 + 4, U32(0x50));
        reaching.Write(XsdtAt, Xsdt(ApicAt, RsdtAt - 0x40));
        AssertRefused(reaching, AcpiStatus.OverlappingTables);

        // The roots overlapping each other (an RSDT whose Length covers a valid XSDT) or the
        // RSDP.
        AcpiTestMachine roots = Build();
        roots.Write(0x30040, Xsdt(ApicAt));
        roots.Write(0x30000, Rsdt());
        roots.Write(0x30004, U32(0x100));
        FixChecksum(roots.Bytes(0x30000, 0x100));
        roots.Write(RsdpAt, Rsdp(2, 0x30000, 0x30040));
        AssertRefused(roots, AcpiStatus.OverlappingTables);

        AcpiTestMachine nearRsdp = Build();
        nearRsdp.Write(RsdpAt - 0x30, Rsdt());
        nearRsdp.Write(RsdpAt - 0x30 + 4, U32(0x40));
        nearRsdp.Write(RsdpAt, Rsdp(0, (uint)RsdpAt - 0x30));
        FixChecksum(nearRsdp.Bytes(RsdpAt - 0x30, 0x40));
        AssertRefused(nearRsdp, AcpiStatus.OverlappingTables);

        AcpiTestMachine listsRsdp = Build();
        listsRsdp.Write(XsdtAt, Xsdt(ApicAt, RsdpAt));
        AssertRefused(listsRsdp, AcpiStatus.OverlappingTables);
    }

    [Fact]
    public void Listed_tables_need_a_readable_sane_header()
    {
        AcpiTestMachine outside = Build();
        outside.Write(XsdtAt, Xsdt(ApicAt, MemorySize - 4));
        AssertRefused(outside, AcpiStatus.TableUnreadable);

        AcpiTestMachine far = Build();
        far.Write(XsdtAt, Xsdt(ApicAt, 0x1_0000_0000));
        AssertRefused(far, AcpiStatus.TableUnreadable);

        foreach (uint length in new uint[] { 0, 8, 35, AcpiTables.MaxTableLength + 1, uint.MaxValue })
        {
            AcpiTestMachine machine = Build();
            machine.Write(HpetAt + 4, U32(length));
            AssertRefused(machine, AcpiStatus.BadTableLength);
        }

        // A header at the top of the address space whose Length would wrap.
        AcpiTestMachine top = Build();
        top.Add(0xFFFF_FFFF_FFFF_F000, new byte[0x1000]);
        top.Write(0xFFFF_FFFF_FFFF_FF00, Table("OEM1", new byte[0x20]));
        top.Write(0xFFFF_FFFF_FFFF_FF04, U32(0x200));
        top.Write(XsdtAt, Xsdt(ApicAt, 0xFFFF_FFFF_FFFF_FF00));
        AssertRefused(top, AcpiStatus.BadTableLength);
    }

    [Fact]
    public void The_found_table_must_sum_to_zero()
    {
        AcpiTestMachine machine = Build();
        machine.Bytes(ApicAt + 50, 1)[0] ^= 4;
        Assert.Equal(AcpiStatus.BadTableChecksum, Find(machine, "APIC"));
        // Tables not looked for are not summed.
        Assert.Equal(AcpiStatus.Success, Find(machine, "HPET"));
    }

    [Fact]
    public void Signatures_pack_little_endian()
    {
        Assert.Equal(0x43495041u, AcpiSignature.Madt);
        Assert.Equal(AcpiSignature.Tpm2, Signature("TPM2"));
        Assert.Equal(0u, AcpiSignature.FromAscii("API"u8));
        Assert.Equal(new[] { "RSDT", "XSDT", "APIC", "DMAR", "IVRS", "TPM2", "TCPA", "RDBT" },
            new[] { AcpiSignature.Rsdt, AcpiSignature.Xsdt, AcpiSignature.Madt, AcpiSignature.Dmar, AcpiSignature.Ivrs, AcpiSignature.Tpm2, AcpiSignature.Tcpa, AcpiSignature.Hidden }.Select(Name));
    }
}
