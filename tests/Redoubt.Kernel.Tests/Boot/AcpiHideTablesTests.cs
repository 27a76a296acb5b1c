using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using Redoubt.Kernel.Boot;
using Xunit;
using static Redoubt.Kernel.Tests.Boot.AcpiCalls;
using static Redoubt.Kernel.Tests.Boot.AcpiScene;
using static Redoubt.Kernel.Tests.Boot.AcpiTableBuilder;

namespace Redoubt.Kernel.Tests.Boot;

// HideTables: the IOMMU's and the TPM's tables leave both root tables, their signatures are
// overwritten, their register windows are reported; any malformed input changes nothing.
public class AcpiHideTablesTests
{
    private const ulong PtpBase = 0xFED4_0000, PtpLength = 0x5000;

    [Fact]
    public void Hides_the_iommu_and_tpm_tables_from_both_roots()
    {
        AcpiTestMachine machine = Build();
        byte[][] before = machine.Snapshot();
        AcpiTestMachine original = machine.Clone();

        var (status, hidden, windows) = Hide(machine);

        Assert.Equal(AcpiStatus.Success, status);
        Assert.Equal(new[] { ("DMAR", DmarAt, Length(original, DmarAt)), ("IVRS", IvrsAt, Length(original, IvrsAt)), ("TPM2", Tpm2At, Length(original, Tpm2At)), ("TCPA", TcpaAt, Length(original, TcpaAt)) },
            Describe(hidden));
        Assert.Equal(new[] { ("DMAR", VtdBase, 0x1000UL), ("IVRS", AmdViBase, 0x8_0000UL), ("TPM2", PtpBase, PtpLength) }, Describe(windows));

        // Both roots list the rest, in order, with a valid checksum, and nothing past Length.
        ulong[] kept = [FacpAt, ApicAt, HpetAt, McfgAt];
        Assert.Equal(kept, RootEntries(machine, XsdtAt));
        Assert.Equal(kept, RootEntries(machine, RsdtAt));
        Assert.All(machine.Read(XsdtAt + 36 + 4 * 8, 4 * 8), b => Assert.Equal(0, b));
        Assert.All(machine.Read(RsdtAt + 36 + 4 * 4, 4 * 4), b => Assert.Equal(0, b));

        foreach (string signature in new[] { "DMAR", "IVRS", "TPM2", "TCPA" })
            Assert.Equal(AcpiStatus.NotFound, Find(machine, signature));
        Assert.Equal(AcpiStatus.Success, Find(machine, "APIC"));
        Assert.Equal(new uint[] { 0, 2, 6, 0x100 }, AcpiCalls.Cpus(machine, ApicAt).ApicIds);

        // Hidden tables: "RDBT" over the signature, every other byte as it was. Other tables
        // untouched.
        foreach (AcpiHiddenTable table in hidden)
        {
            byte[] now = machine.Read(table.Address, (int)table.Length);
            byte[] then = original.Read(table.Address, (int)table.Length);
            Assert.Equal("RDBT"u8.ToArray(), now[..4]);
            Assert.Equal(then[4..], now[4..]);
            Assert.NotEqual(0, Sum(now));
        }
        foreach (ulong table in kept)
            Assert.Equal(original.Read(table, (int)Length(original, table)), machine.Read(table, (int)Length(original, table)));

        // Every changed byte lies in a root table or a hidden signature.
        byte[] after = machine.Snapshot()[0];
        for (int i = 0; i < after.Length; i++)
        {
            if (after[i] == before[0][i])
                continue;
            ulong address = (ulong)i;
            bool allowed = (address >= XsdtAt && address < XsdtAt + 36 + 8 * 8) || (address >= RsdtAt && address < RsdtAt + 36 + 8 * 4)
                || hidden.Any(h => address >= h.Address && address < h.Address + 4);
            Assert.True(allowed, $"byte {address:X} changed");
        }

        // A second call finds nothing left to hide and writes nothing.
        int writes = machine.Writes;
        var again = Hide(machine);
        Assert.Equal((AcpiStatus.Success, 0, 0), (again.Status, again.Hidden.Length, again.Windows.Length));
        Assert.Equal(writes, machine.Writes);
    }

    private static uint Length(AcpiTestMachine machine, ulong table) => BinaryPrimitives.ReadUInt32LittleEndian(machine.Read(table + 4, 4));

    // "TBDR" adds up like "RDBT": the checksum byte is bumped so the remains still fail.
    [Fact]
    public void A_hidden_table_never_sums_to_zero()
    {
        AcpiTestMachine machine = Build();
        machine.Write(0x30000, Table("TBDR", new byte[8]));
        machine.Write(XsdtAt, Xsdt(ApicAt, 0x30000));
        machine.Write(RsdtAt, Rsdt((uint)ApicAt));
        byte checksum = machine.Read(0x30009, 1)[0];
        Assert.Equal(AcpiStatus.Success, Hide(machine, signatures: [Signature("TBDR")]).Status);
        Assert.Equal("RDBT"u8.ToArray(), machine.Read(0x30000, 4));
        Assert.Equal((byte)(checksum + 1), machine.Read(0x30009, 1)[0]);
        Assert.Equal(1, Sum(machine.Read(0x30000, 44)));

        // When it is read-only, the probe finds out first.
        AcpiTestMachine locked = Build();
        locked.Write(0x30000, Table("TBDR", new byte[8]));
        locked.Write(XsdtAt, Xsdt(ApicAt, 0x30000));
        locked.Write(RsdtAt, Rsdt((uint)ApicAt));
        locked.ReadOnly(0x30009, 1);
        Assert.Equal(AcpiStatus.NotWritable, Hide(locked, signatures: [Signature("TBDR")]).Status);
    }

    [Fact]
    public void Nothing_to_hide_writes_nothing()
    {
        AcpiTestMachine machine = Build();
        Assert.Equal((AcpiStatus.Success, 0, 0), Summary(Hide(machine, signatures: [])));
        Assert.Equal((AcpiStatus.Success, 0, 0), Summary(Hide(machine, signatures: [Signature("SSDT"), Signature("BERT")])));
        Assert.Equal(0, machine.Writes);
    }

    private static (AcpiStatus, int, int) Summary((AcpiStatus Status, AcpiHiddenTable[] Hidden, AcpiRegisterWindow[] Windows) result) =>
        (result.Status, result.Hidden.Length, result.Windows.Length);

    [Fact]
    public void Only_the_named_signatures_are_hidden()
    {
        AcpiTestMachine machine = Build();
        var (status, hidden, windows) = Hide(machine, signatures: [AcpiSignature.Tpm2, Signature("HPET")]);
        Assert.Equal(AcpiStatus.Success, status);
        Assert.Equal(new[] { "HPET", "TPM2" }, hidden.Select(h => Name(h.Signature)));
        Assert.Equal(new[] { ("TPM2", PtpBase, PtpLength) }, Describe(windows));
        Assert.Equal(new[] { FacpAt, ApicAt, DmarAt, IvrsAt, TcpaAt, McfgAt }, RootEntries(machine, XsdtAt));
    }

    [Fact]
    public void An_rsdt_only_machine()
    {
        AcpiTestMachine machine = Build(rsdpRevision: 0, withXsdt: false);
        var (status, hidden, _) = Hide(machine);
        Assert.Equal((AcpiStatus.Success, 4), (status, hidden.Length));
        Assert.Equal(new[] { FacpAt, ApicAt, HpetAt, McfgAt }, RootEntries(machine, RsdtAt));
    }

    // A table only the RSDT lists is hidden from it too (Linux falls back to the RSDT); a root
    // that lists nothing to hide is not written.
    [Fact]
    public void Each_root_is_rewritten_only_if_it_lists_a_hidden_table()
    {
        AcpiTestMachine machine = Build();
        machine.Write(XsdtAt, Xsdt(FacpAt, ApicAt));
        byte[] xsdt = machine.Read(XsdtAt, 36 + 16);
        var (status, hidden, _) = Hide(machine);
        Assert.Equal(AcpiStatus.Success, status);
        Assert.Equal(4, hidden.Length);
        Assert.Equal(xsdt, machine.Read(XsdtAt, 36 + 16));
        Assert.Equal(new[] { FacpAt, ApicAt, HpetAt, McfgAt }, RootEntries(machine, RsdtAt));
        Assert.Equal("RDBT"u8.ToArray(), machine.Read(DmarAt, 4));
    }

    // A root that listed only hidden tables is left with its header alone, still valid.
    [Fact]
    public void A_root_can_end_up_empty()
    {
        AcpiTestMachine machine = Build();
        machine.Write(XsdtAt, Xsdt(DmarAt, Tpm2At));
        var (status, hidden, _) = Hide(machine);
        Assert.Equal((AcpiStatus.Success, 4), (status, hidden.Length));
        Assert.Empty(RootEntries(machine, XsdtAt));
        Assert.All(machine.Read(XsdtAt + 36, 16), b => Assert.Equal(0, b));
        Assert.Equal(AcpiStatus.NotFound, Find(machine, "APIC"));
    }

    // The roots may list different tables of one signature; both are hidden, null entries stay.
    [Fact]
    public void Roots_that_disagree()
    {
        AcpiTestMachine machine = Build();
        machine.Write(0x30000, Dmar(Drhd(0xFEB0_0000)));
        machine.Write(XsdtAt, Xsdt(FacpAt, 0, DmarAt, ApicAt));
        machine.Write(RsdtAt, Rsdt((uint)ApicAt, 0x30000, 0, (uint)FacpAt));
        var (status, hidden, windows) = Hide(machine);
        Assert.Equal(AcpiStatus.Success, status);
        Assert.Equal(new[] { DmarAt, 0x30000UL }, hidden.Select(h => h.Address));
        Assert.Equal(new[] { VtdBase, 0xFEB0_0000UL }, windows.Select(w => w.Base));
        Assert.Equal(new[] { FacpAt, 0UL, ApicAt }, RootEntries(machine, XsdtAt));
        Assert.Equal(new[] { ApicAt, 0UL, FacpAt }, RootEntries(machine, RsdtAt));
    }

    [Theory]
    [InlineData(0x00, 0x1000)]
    [InlineData(0x01, 0x2000)]
    [InlineData(0x04, 0x1_0000)]
    [InlineData(0x0F, 0x800_0000)]
    [InlineData(0xF2, 0x4000)]
    public void Drhd_size_gives_the_register_set(byte size, ulong expected)
    {
        AcpiTestMachine machine = Build();
        machine.Write(DmarAt, Dmar(Drhd(0xF000_0000, size)));
        var (status, _, windows) = Hide(machine, signatures: [AcpiSignature.Dmar]);
        Assert.Equal(AcpiStatus.Success, status);
        Assert.Equal(new[] { ("DMAR", 0xF000_0000UL, expected) }, Describe(windows));
    }

    [Fact]
    public void Every_drhd_and_ivhd_gives_a_window_once()
    {
        AcpiTestMachine machine = Build();
        machine.Write(DmarAt, Dmar(Drhd(0xFED9_0000), Rmrr(0x1000, 0x1FFF), Drhd(0xFED9_1000, segment: 1), Drhd(0xFED9_0000)));
        machine.Write(IvrsAt, Ivrs(Ivhd(0x10, 0xFD20_0000), Ivmd(0x2000, 0x1000), Ivhd(0x11, 0xFD20_0000), Ivhd(0x40, 0xFD20_0000), Ivhd(0x40, 0xFD28_0000), [0x30, 0, 8, 0, 1, 2, 3, 4]));
        var (status, _, windows) = Hide(machine);
        Assert.Equal(AcpiStatus.Success, status);
        Assert.Equal(new[]
        {
            ("DMAR", 0xFED9_0000UL, 0x1000UL), ("DMAR", 0xFED9_1000UL, 0x1000UL),
            ("IVRS", 0xFD20_0000UL, 0x8_0000UL), ("IVRS", 0xFD28_0000UL, 0x8_0000UL),
            ("TPM2", PtpBase, PtpLength),
        }, Describe(windows));
    }

    [Fact]
    public void A_dmar_without_drhd_gives_no_window()
    {
        AcpiTestMachine machine = Build();
        machine.Write(DmarAt, Dmar());
        var (status, hidden, windows) = Hide(machine, signatures: [AcpiSignature.Dmar]);
        Assert.Equal((AcpiStatus.Success, 1, 0), (status, hidden.Length, windows.Length));
    }

    // TPM2: a FIFO or CRB TPM, or any control area among the PC TPM's registers, gets the
    // locality range; a control area elsewhere gets its pages.
    [Theory]
    [InlineData(0xFED4_0040UL, 7u, new ulong[] { PtpBase, PtpLength })]
    [InlineData(0UL, 6u, new ulong[] { PtpBase, PtpLength })]
    [InlineData(0xFED4_0040UL, 8u, new ulong[] { PtpBase, PtpLength })]
    [InlineData(0xFED4_4FD0UL, 2u, new ulong[] { PtpBase, PtpLength })]
    [InlineData(0xFED4_4FE0UL, 2u, new ulong[] { 0xFED4_4000, 0x2000 })]
    [InlineData(0x7FFF_0F00UL, 2u, new ulong[] { 0x7FFF_0000, 0x1000 })]
    [InlineData(0x7FFF_0FE0UL, 8u, new ulong[] { 0x7FFF_0000, 0x2000 })]
    [InlineData(0x7FFF_0000UL, 7u, new ulong[] { PtpBase, PtpLength, 0x7FFF_0000, 0x1000 })]
    [InlineData(0UL, 2u, new ulong[0])]
    [InlineData(0xFFFF_FFFF_FFFF_EFD0UL, 2u, new ulong[] { 0xFFFF_FFFF_FFFF_E000, 0x1000 })]
    public void Tpm2_windows(ulong controlArea, uint startMethod, ulong[] expected)
    {
        AcpiTestMachine machine = Build();
        machine.Write(Tpm2At, Tpm2(controlArea, startMethod));
        var (status, _, windows) = Hide(machine, signatures: [AcpiSignature.Tpm2]);
        Assert.Equal(AcpiStatus.Success, status);
        Assert.Equal(expected, windows.SelectMany(w => new[] { w.Base, w.Length }));
    }

    [Fact]
    public void Tcpa_names_the_tis_range()
    {
        AcpiTestMachine machine = Build();
        var (status, _, windows) = Hide(machine, signatures: [AcpiSignature.Tcpa]);
        Assert.Equal(AcpiStatus.Success, status);
        Assert.Equal(new[] { ("TCPA", PtpBase, PtpLength) }, Describe(windows));
    }

    public static IEnumerable<object[]> MalformedDeviceTables()
    {
        // DMAR: too short for its fixed fields, structures too short or past the end, DRHD
        // base zero, misaligned or wrapping.
        yield return [DmarAt, Table("DMAR", new byte[4]), AcpiStatus.BadTableLength];
        yield return [DmarAt, Dmar([0, 0, 0, 0]), AcpiStatus.BadDmarEntry];
        yield return [DmarAt, Dmar([1, 0, 3, 0]), AcpiStatus.BadDmarEntry];
        yield return [DmarAt, Dmar([1, 0, 40, 0, 0, 0, 0, 0]), AcpiStatus.BadDmarEntry];
        yield return [DmarAt, Dmar([0, 0, 12, 0, 1, 0, 0, 0, 0, 0, 0xD9, 0xFE]), AcpiStatus.BadDmarEntry];
        yield return [DmarAt, Dmar(Drhd(0)), AcpiStatus.BadDmarEntry];
        yield return [DmarAt, Dmar(Drhd(0xFED9_0800)), AcpiStatus.BadDmarEntry];
        yield return [DmarAt, Dmar(Drhd(0xFFFF_FFFF_FFFF_F000, size: 1)), AcpiStatus.BadDmarEntry];
        yield return [DmarAt, Dmar(Drhd(VtdBase), [0, 0]), AcpiStatus.BadDmarEntry];
        // IVRS likewise, per IVHD type.
        yield return [IvrsAt, Table("IVRS", new byte[11]), AcpiStatus.BadTableLength];
        yield return [IvrsAt, Ivrs([0x10, 0, 0, 0]), AcpiStatus.BadIvrsEntry];
        yield return [IvrsAt, Ivrs([0x20, 0, 2, 0]), AcpiStatus.BadIvrsEntry];
        yield return [IvrsAt, Ivrs([0x20, 0, 64, 0, 0, 0, 0, 0]), AcpiStatus.BadIvrsEntry];
        yield return [IvrsAt, Ivrs(Ivhd(0x10, AmdViBase)[..20]), AcpiStatus.BadIvrsEntry];
        yield return [IvrsAt, Ivrs(Truncated(Ivhd(0x11, AmdViBase), 28)), AcpiStatus.BadIvrsEntry];
        yield return [IvrsAt, Ivrs(Truncated(Ivhd(0x40, AmdViBase), 36)), AcpiStatus.BadIvrsEntry];
        yield return [IvrsAt, Ivrs(Ivhd(0x10, 0)), AcpiStatus.BadIvrsEntry];
        yield return [IvrsAt, Ivrs(Ivhd(0x11, 0xFED8_0100)), AcpiStatus.BadIvrsEntry];
        yield return [IvrsAt, Ivrs(Ivhd(0x40, 0xFFFF_FFFF_FFFF_0000)), AcpiStatus.BadIvrsEntry];
        yield return [IvrsAt, Ivrs(Ivhd(0x10, AmdViBase), [0x20]), AcpiStatus.BadIvrsEntry];
        // TPM2: too short for its start method; a control area at the top of the address space.
        yield return [Tpm2At, Table("TPM2", new byte[14], revision: 4), AcpiStatus.BadTableLength];
        yield return [Tpm2At, Tpm2(ulong.MaxValue - 0x20, 2), AcpiStatus.BadTpm2ControlArea];
        yield return [Tpm2At, Tpm2(0xFFFF_FFFF_FFFF_EFD1, 2), AcpiStatus.BadTpm2ControlArea];
    }

    // A block with its Length field set to the shorter length it is cut to.
    private static byte[] Truncated(byte[] block, int length)
    {
        byte[] cut = block[..length];
        BinaryPrimitives.WriteUInt16LittleEndian(cut.AsSpan(2), (ushort)length);
        return cut;
    }

    [Theory]
    [MemberData(nameof(MalformedDeviceTables))]
    public void Malformed_device_tables_change_nothing(ulong address, byte[] table, AcpiStatus expected)
    {
        AcpiTestMachine machine = Build();
        machine.Write(address, table);
        AssertHideRefused(machine, expected);
    }

    [Fact]
    public void A_hidden_table_must_sum_to_zero()
    {
        AcpiTestMachine machine = Build();
        machine.Bytes(IvrsAt + 60, 1)[0] ^= 1;
        AssertHideRefused(machine, AcpiStatus.BadTableChecksum);
    }

    [Fact]
    public void A_hidden_table_must_not_overlap_another_table()
    {
        // DMAR placed inside HPET's Length, and HPET placed inside DMAR's.
        AcpiTestMachine inside = Build();
        inside.Write(HpetAt, Table("HPET", new byte[0x100]));
        inside.Write(HpetAt + 0x40, Dmar(Drhd(VtdBase)));
        inside.Write(XsdtAt, Xsdt(ApicAt, HpetAt, HpetAt + 0x40));
        inside.Write(RsdtAt, Rsdt((uint)ApicAt));
        AssertHideRefused(inside, AcpiStatus.OverlappingTables);

        AcpiTestMachine around = Build();
        around.Write(0x30000, Dmar(Drhd(VtdBase), Rmrr(0, 0), Rmrr(0, 0), Rmrr(0, 0)));
        around.Write(0x30030, Table("OEM1", []));
        FixChecksum(around.Bytes(0x30000, (int)Length(around, 0x30000)));
        around.Write(XsdtAt, Xsdt(ApicAt, 0x30000));
        around.Write(RsdtAt, Rsdt((uint)ApicAt, 0x30030));
        AssertHideRefused(around, AcpiStatus.OverlappingTables);

        // Two hidden tables overlapping each other.
        AcpiTestMachine hiddenPair = Build();
        hiddenPair.Write(0x30000, Tcpa());
        hiddenPair.Write(0x30000 + 50, Tpm2(0, 6));
        hiddenPair.Write(0x30004, U32(60));
        FixChecksum(hiddenPair.Bytes(0x30000, 60));
        hiddenPair.Write(XsdtAt, Xsdt(ApicAt, 0x30000, 0x30000 + 50));
        hiddenPair.Write(RsdtAt, Rsdt((uint)ApicAt));
        AssertHideRefused(hiddenPair, AcpiStatus.OverlappingTables);
    }

    [Fact]
    public void Outputs_too_small_change_nothing()
    {
        AcpiTestMachine machine = Build();
        byte[][] before = machine.Snapshot();
        Assert.Equal(AcpiStatus.TooManyHiddenTables, Hide(machine, hiddenCapacity: 3).Status);
        Assert.Equal(AcpiStatus.TooManyWindows, Hide(machine, windowCapacity: 2).Status);
        Assert.True(machine.Matches(before));
        Assert.Equal(AcpiStatus.Success, Hide(machine, hiddenCapacity: 4, windowCapacity: 3).Status);
    }

    [Fact]
    public void Memory_that_cannot_be_written_is_found_before_any_change()
    {
        AcpiTestMachine roots = Build().ReadOnly(RsdtAt + 60, 1);
        AssertHideRefused(roots, AcpiStatus.NotWritable);

        AcpiTestMachine signature = Build().ReadOnly(TcpaAt + 3, 1);
        AssertHideRefused(signature, AcpiStatus.NotWritable);

        // A read-only byte of a hidden table past its signature is never written.
        AcpiTestMachine body = Build().ReadOnly(DmarAt + 4, 64);
        Assert.Equal(AcpiStatus.Success, Hide(body).Status);
    }

    // A memory that starts refusing writes part way: while the probe runs the refusal is
    // NotWritable and nothing changed; once the probe is done it is WriteFailed.
    [Fact]
    public void A_memory_that_breaks_its_promise_is_reported()
    {
        AcpiTestMachine reference = Build();
        Assert.Equal(AcpiStatus.Success, Hide(reference).Status);
        int total = reference.Writes;
        var seen = new HashSet<AcpiStatus>();
        for (int limit = 0; limit < total; limit++)
        {
            AcpiTestMachine machine = Build();
            machine.FailWritesAfter = limit;
            AcpiStatus status = Hide(machine).Status;
            Assert.Contains(status, new[] { AcpiStatus.NotWritable, AcpiStatus.WriteFailed });
            seen.Add(status);
        }
        Assert.Equal(2, seen.Count);
    }
}
