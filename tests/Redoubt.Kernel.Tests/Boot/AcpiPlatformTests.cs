using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Tests.Abi;
using Xunit;
using static Redoubt.Kernel.Tests.Boot.AcpiTableBuilder;

namespace Redoubt.Kernel.Tests.Boot;

// AcpiTables.ReadPlatform: the FADT's power and reset controls, the DSDT's sleep types, the MCFG.
public class AcpiPlatformTests
{
    private const ulong DsdtAt = 0x1A000, FacsAt = 0x1B000;

    // QEMU's encodings: Name (\_S3, Package (0x04) { One, One, Zero, Zero }) and
    // Name (_S5, Package (0x04) { Zero, Zero, Zero, Zero }), between other AML.
    private static readonly byte[] S3 = [0x08, 0x5C, (byte)'_', (byte)'S', (byte)'3', (byte)'_', 0x12, 0x06, 0x04, 0x01, 0x01, 0x00, 0x00];
    private static readonly byte[] S5 = [0x08, (byte)'_', (byte)'S', (byte)'5', (byte)'_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00];

    private static byte[] Fadt(Action<byte[]>? edit = null)
    {
        var body = new byte[208];
        void U32(int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(at - 36), v);
        U32(36, (uint)FacsAt);
        U32(40, (uint)DsdtAt);
        U32(48, 0xB2);
        U32(56, 0x600);
        U32(64, 0x604);
        body[88 - 36] = 4;
        body[89 - 36] = 2;
        U32(112, 1 << 10);
        body[116 - 36] = 1;
        body[117 - 36] = 8;
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(120 - 36), 0xCF9);
        body[128 - 36] = 0x0F;
        edit?.Invoke(body);
        return Table("FACP", body, revision: 6);
    }

    private static AcpiTestMachine Scene(byte[] fadt, byte[]? dsdtBody = null, byte[]? mcfgBody = null)
    {
        AcpiTestMachine machine = AcpiScene.Build();
        machine.Write(AcpiScene.FacpAt, fadt);
        var padding = new byte[3000];
        new Random(7).NextBytes(padding);
        // No accidental name in the noise.
        for (int i = 0; i < padding.Length; i++)
            if (padding[i] == (byte)'_')
                padding[i] = 0;
        machine.Write(DsdtAt, Table("DSDT", dsdtBody ?? [.. padding, .. S3, .. padding, .. S5, .. padding], revision: 2));
        if (mcfgBody is not null)
            machine.Write(AcpiScene.McfgAt, Table("MCFG", mcfgBody));
        return machine;
    }

    private static AcpiStatus Read(AcpiTestMachine machine, out AcpiPlatform platform)
    {
        AcpiTestMemory memory = machine.Memory;
        return AcpiTables.ReadPlatform(ref memory, AcpiScene.RsdpAt, out platform);
    }

    private static byte[] Mcfg(ulong @base, ushort segment, byte start, byte end)
    {
        var body = new byte[24];
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(8), @base);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(16), segment);
        body[18] = start;
        body[19] = end;
        return body;
    }

    [Fact]
    public void A_q35_like_fadt_dsdt_and_mcfg()
    {
        Assert.Equal(AcpiStatus.Success, Read(Scene(Fadt(), mcfgBody: Mcfg(0xB000_0000, 0, 0, 255)), out AcpiPlatform p));
        Assert.Equal((0x604, 0, 2), (p.Pm1aControl, p.Pm1bControl, p.Pm1ControlLength));
        Assert.Equal((0x600, 4), (p.Pm1aStatus, p.Pm1EventLength));
        Assert.Equal((true, AcpiPlatform.SpaceIo, 0xCF9UL, (byte)0x0F), (p.ResetSupported, p.ResetSpace, p.ResetAddress, p.ResetValue));
        Assert.Equal((0xB2, FacsAt, DsdtAt), (p.SmiCommand, p.Facs, p.Dsdt));
        Assert.Equal((true, (byte)1, (byte)1), (p.HasS3, p.S3TypeA, p.S3TypeB));
        Assert.Equal((true, (byte)0, (byte)0), (p.HasS5, p.S5TypeA, p.S5TypeB));
        Assert.Equal((0xB000_0000UL, 0xC000_0000UL), (p.EcamStart, p.EcamEnd));
    }

    [Fact]
    public void The_64_bit_blocks_are_kept_beside_different_32_bit_ones()
    {
        byte[] fadt = Fadt(body =>
        {
            body[172 - 36] = 1;
            BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(176 - 36), 0x804);
            body[148 - 36] = 1;
            BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(152 - 36), 0x600);
            BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(140 - 36), DsdtAt);
        });
        Assert.Equal(AcpiStatus.Success, Read(Scene(fadt), out AcpiPlatform p));
        Assert.Equal((0x604, 0x804), (p.Pm1aControl, p.Pm1aControlX));
        Assert.Equal((0x600, 0), (p.Pm1aStatus, p.Pm1aStatusX));
    }

    [Fact]
    public void A_pm1_control_block_in_memory_space_cannot_be_mediated()
    {
        byte[] fadt = Fadt(body => BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(176 - 36), 0xFED0_0000));
        Assert.Equal(AcpiStatus.UnsupportedRegister, Read(Scene(fadt), out _));
        byte[] pastFfff = Fadt(body => BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(64 - 36), 0xFFFF));
        Assert.Equal(AcpiStatus.UnsupportedRegister, Read(Scene(pastFfff), out _));
        byte[] badReset = Fadt(body => body[116 - 36] = 3);
        Assert.Equal(AcpiStatus.UnsupportedRegister, Read(Scene(badReset), out _));
    }

    [Fact]
    public void A_reset_register_without_reset_reg_sup_is_ignored()
    {
        Assert.Equal(AcpiStatus.Success, Read(Scene(Fadt(body => body[112 - 36 + 1] = 0)), out AcpiPlatform p));
        Assert.False(p.ResetSupported);
    }

    [Fact]
    public void A_memory_space_reset_register_is_reported()
    {
        byte[] fadt = Fadt(body =>
        {
            body[116 - 36] = 0;
            BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(120 - 36), 0xFED0_3000);
        });
        Assert.Equal(AcpiStatus.Success, Read(Scene(fadt), out AcpiPlatform p));
        Assert.Equal((AcpiPlatform.SpaceMemory, 0xFED0_3000UL), (p.ResetSpace, p.ResetAddress));
    }

    [Fact]
    public void Without_sleep_packages_no_sleep_type_is_known()
    {
        Assert.Equal(AcpiStatus.Success, Read(Scene(Fadt(), dsdtBody: new byte[100]), out AcpiPlatform p));
        Assert.False(p.HasS3);
        Assert.False(p.HasS5);
    }

    [Theory]
    [InlineData(new byte[] { 0x08, (byte)'_', (byte)'S', (byte)'5', (byte)'_', 0x12, 0x0A, 0x04, 0x0A, 0x05, 0x0A, 0x06, 0, 0 }, 5, 6)]
    [InlineData(new byte[] { 0x08, (byte)'_', (byte)'S', (byte)'5', (byte)'_', 0x12, 0x46, 0x00, 0x02, 0x0A, 0x07, 0x01 }, 7, 1)]
    [InlineData(new byte[] { 0x08, (byte)'_', (byte)'S', (byte)'5', (byte)'_', 0x12, 0x04, 0x01, 0x01, 0, 0, 0 }, 1, 1)]
    public void Sleep_packages_in_their_encodings(byte[] aml, int typeA, int typeB)
    {
        Assert.Equal(AcpiStatus.Success, Read(Scene(Fadt(), dsdtBody: [0x10, 0x20, .. aml, 0, 0]), out AcpiPlatform p));
        Assert.Equal((true, (byte)typeA, (byte)typeB), (p.HasS5, p.S5TypeA, p.S5TypeB));
    }

    [Theory]
    [InlineData(new byte[] { 0x08, (byte)'_', (byte)'S', (byte)'5', (byte)'_', 0x12, 0x06, 0x04, 0x0A, 0x09, 0, 0 })]  // type above 7
    [InlineData(new byte[] { 0x08, (byte)'_', (byte)'S', (byte)'5', (byte)'_', 0x12, 0x06, 0x04, 0xFF, 0, 0, 0 })]    // Ones
    [InlineData(new byte[] { 0x08, (byte)'_', (byte)'S', (byte)'5', (byte)'_', 0x13, 0x06, 0x04, 0x00, 0, 0, 0 })]    // not a package
    [InlineData(new byte[] { 0x70, (byte)'_', (byte)'S', (byte)'5', (byte)'_', 0x12, 0x06, 0x04, 0x00, 0, 0, 0 })]    // not a Name
    [InlineData(new byte[] { 0x08, (byte)'_', (byte)'S', (byte)'5', (byte)'_', 0x12, 0x06, 0x00 })]                    // no elements
    [InlineData(new byte[] { 0x08, (byte)'_', (byte)'S', (byte)'5', (byte)'_', 0x12, 0xC6 })]                           // cut short
    public void Odd_sleep_packages_are_not_believed(byte[] aml)
    {
        Assert.Equal(AcpiStatus.Success, Read(Scene(Fadt(), dsdtBody: [0x10, 0x20, .. aml]), out AcpiPlatform p));
        Assert.False(p.HasS5);
    }

    [Fact]
    public void A_name_split_across_read_chunks_is_found()
    {
        for (int at = 240; at < 270; at++)
        {
            byte[] body = [.. new byte[at], .. S5, 0];
            Assert.Equal(AcpiStatus.Success, Read(Scene(Fadt(), dsdtBody: body), out AcpiPlatform p));
            Assert.True(p.HasS5, $"at {at}");
        }
    }

    [Theory]
    [InlineData(0xB000_1000UL, 0, 0, 255)]       // not 1 MiB aligned
    [InlineData(0xB000_0000UL, 0, 9, 8)]         // start bus above end bus
    [InlineData(0xFFFF_FFFF_FFF0_0000UL, 0, 0, 1)] // runs past 2^64
    public void Bad_mcfg_entries_are_refused(ulong @base, ushort segment, byte start, byte end) =>
        Assert.Equal(AcpiStatus.BadMcfgEntry, Read(Scene(Fadt(), mcfgBody: Mcfg(@base, segment, start, end)), out _));

    [Fact]
    public void Only_segment_0_counts()
    {
        Assert.Equal(AcpiStatus.Success, Read(Scene(Fadt(), mcfgBody: Mcfg(0xB000_1000, 1, 0, 255)), out AcpiPlatform p));
        Assert.Equal(0UL, p.EcamBase);
    }

    [Fact]
    public void Qemu_q35s_captured_tables()
    {
        byte[] file = File.ReadAllBytes(Path.Combine(RepoRoot.Find(), "tests/Redoubt.Kernel.Tests/Boot/Acpi/seabios-q35-amd-iommu-tpm-tis.acpi"));
        var machine = new AcpiTestMachine();
        ulong rsdp = 0;
        for (int at = 0; at < file.Length;)
        {
            ulong address = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(at));
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8));
            machine.Add(address, file.AsSpan(at + 12, length).ToArray());
            rsdp = at == 0 ? address : rsdp;
            at += 12 + length;
        }
        AcpiTestMemory memory = machine.Memory;
        Assert.Equal(AcpiStatus.Success, AcpiTables.ReadPlatform(ref memory, rsdp, out AcpiPlatform p));
        Assert.Equal((0x604, 0x600, 0xB2), (p.Pm1aControl, p.Pm1aStatus, p.SmiCommand));
        Assert.Equal((true, 0xCF9UL, (byte)0x0F), (p.ResetSupported, p.ResetAddress, p.ResetValue));
        Assert.Equal((0xB000_0000UL, 0xC000_0000UL), (p.EcamStart, p.EcamEnd));
        // The capture holds no DSDT: no sleep type is known.
        Assert.False(p.HasS5);
    }
}
