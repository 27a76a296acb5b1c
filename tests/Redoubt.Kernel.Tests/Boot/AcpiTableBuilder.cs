using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Redoubt.Kernel.Tests.Boot;

// Builds ACPI structures byte by byte, independently of the parser: the RSDP (ACPI 6.5
// 5.2.5.3), tables with the 36-byte header (5.2.6), the roots (5.2.7, 5.2.8), MADT entries
// (5.2.12), DMAR structures (VT-d 8.x), IVRS blocks (AMD IOMMU 5.2), TPM2 and TCPA (TCG ACPI).
public static class AcpiTableBuilder
{
    public static byte[] Rsdp(byte revision, uint rsdt, ulong xsdt = 0, uint? length = null)
    {
        byte[] bytes = new byte[revision >= 2 ? 36 : 20];
        Encoding.ASCII.GetBytes("RSD PTR ").CopyTo(bytes, 0);
        Encoding.ASCII.GetBytes("REDOUB").CopyTo(bytes, 9);
        bytes[15] = revision;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), rsdt);
        if (revision >= 2)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), length ?? 36);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), xsdt);
        }
        FixRsdpChecksums(bytes);
        return bytes;
    }

    public static void FixRsdpChecksums(Span<byte> rsdp)
    {
        rsdp[8] = 0;
        rsdp[8] = (byte)-Sum(rsdp[..20]);
        if (rsdp.Length >= 36)
        {
            rsdp[32] = 0;
            rsdp[32] = (byte)-Sum(rsdp[..36]);
        }
    }

    // A table: the header (Signature, Length, Revision, Checksum, OEM fields) and the body.
    public static byte[] Table(string signature, byte[] body, byte revision = 1)
    {
        byte[] bytes = new byte[36 + body.Length];
        Encoding.ASCII.GetBytes(signature).CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)bytes.Length);
        bytes[8] = revision;
        Encoding.ASCII.GetBytes("REDOUB").CopyTo(bytes, 10);
        Encoding.ASCII.GetBytes("TESTTABL").CopyTo(bytes, 16);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), 1);
        Encoding.ASCII.GetBytes("RDBT").CopyTo(bytes, 28);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(32), 1);
        body.CopyTo(bytes, 36);
        FixChecksum(bytes);
        return bytes;
    }

    public static void FixChecksum(Span<byte> table)
    {
        table[9] = 0;
        table[9] = (byte)-Sum(table);
    }

    public static byte Sum(ReadOnlySpan<byte> bytes)
    {
        byte sum = 0;
        foreach (byte b in bytes)
            sum += b;
        return sum;
    }

    public static byte[] Rsdt(params uint[] entries) => Table("RSDT", Concat(entries.Select(U32)));

    public static byte[] Xsdt(params ulong[] entries) => Table("XSDT", Concat(entries.Select(U64)));

    // MADT: the local APIC address and flags (PC-AT compatible), then the entries.
    public static byte[] Madt(uint localApicAddress, params byte[][] entries) =>
        Table("APIC", Concat([U32(localApicAddress), U32(1), .. entries]), revision: 5);

    public static byte[] LocalApic(byte uid, byte apicId, uint flags) => [0, 8, uid, apicId, .. U32(flags)];

    public static byte[] X2Apic(uint apicId, uint flags, uint uid) => [9, 16, 0, 0, .. U32(apicId), .. U32(flags), .. U32(uid)];

    public static byte[] ApicAddressOverride(ulong address) => [5, 12, 0, 0, .. U64(address)];

    public static byte[] IoApic(byte id, uint address, uint gsiBase) => [1, 12, id, 0, .. U32(address), .. U32(gsiBase)];

    public static byte[] InterruptOverride(byte source, uint gsi) => [2, 10, 0, source, .. U32(gsi), 0, 0];

    public static byte[] LocalApicNmi() => [4, 6, 0xFF, 0, 0, 1];

    // DMAR: Host Address Width (39 bits: 38), Flags (interrupt remapping), 10 reserved bytes.
    public static byte[] Dmar(params byte[][] structures) => Table("DMAR", Concat([[38, 1], new byte[10], .. structures]));

    // DRHD with INCLUDE_PCI_ALL and one IOAPIC device scope, as QEMU writes it.
    public static byte[] Drhd(ulong registerBase, byte size = 0, ushort segment = 0)
    {
        byte[] scope = [3, 8, 0, 0, 0, 0xFF, 0, 0];
        return [.. U16(0), .. U16((ushort)(16 + scope.Length)), 1, size, .. U16(segment), .. U64(registerBase), .. scope];
    }

    // RMRR (type 1): a reserved memory region, no device scope.
    public static byte[] Rmrr(ulong start, ulong end) => [.. U16(1), .. U16(24), 0, 0, 0, 0, .. U64(start), .. U64(end)];

    // IVRS: IVinfo (virtual address size 64, physical 48), 8 reserved bytes.
    public static byte[] Ivrs(params byte[][] blocks) => Table("IVRS", Concat([U32(0x0020_3040), new byte[8], .. blocks]), revision: 2);

    // IVHD of type 10h (24-byte header) or 11h/40h (40-byte header), one "all devices" entry.
    public static byte[] Ivhd(byte type, ulong iommuBase)
    {
        int header = type == 0x10 ? 24 : 40;
        byte[] block = new byte[header + 4];
        block[0] = type;
        block[1] = 0xB0;
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(2), (ushort)block.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(4), 0x0002);
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(6), 0x40);
        BinaryPrimitives.WriteUInt64LittleEndian(block.AsSpan(8), iommuBase);
        block[header] = 1;
        return block;
    }

    // IVMD of type 20h: a unity-mapped range for all devices.
    public static byte[] Ivmd(ulong start, ulong length) => [0x20, 0x07, .. U16(32), 0, 0, 0, 0, .. new byte[8], .. U64(start), .. U64(length)];

    // TPM2 revision 4: Platform Class, Reserved, control area, start method, 12 bytes of start
    // method parameters, LAML and LASA.
    public static byte[] Tpm2(ulong controlArea, uint startMethod) =>
        Table("TPM2", Concat([U16(0), U16(0), U64(controlArea), U32(startMethod), new byte[12], U32(0x10000), U64(0x0FFF_0000)]), revision: 4);

    // TCPA (client): Platform Class, LAML, LASA.
    public static byte[] Tcpa() => Table("TCPA", Concat([U16(0), U32(0x10000), U64(0x0FFF_0000)]), revision: 2);

    public static byte[] Concat(IEnumerable<byte[]> parts) => parts.SelectMany(p => p).ToArray();

    public static byte[] U16(ushort value)
    {
        byte[] bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return bytes;
    }

    public static byte[] U32(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    public static byte[] U64(ulong value)
    {
        byte[] bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }
}
