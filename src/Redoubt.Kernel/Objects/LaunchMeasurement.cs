using System;
using System.Runtime.InteropServices;
using Redoubt.Abi;
using Redoubt.Kernel.Crypto;

namespace Redoubt.Kernel.Objects;

// The launch measurement of a VM, byte for byte as docs/spec/measurement.md defines it: one
// SHA-384 over a header, a record per loaded page (in load order), a record per vCPU (in
// index order, taken at finalize) and a final record. Integers are little-endian.
public static class LaunchMeasurement
{
    public static ReadOnlySpan<byte> Header => "RDBT-LAUNCH-V1\0\0"u8;

    public static void Begin(ref Sha384 measurement) => measurement.Append(Header);

    // "RDBTPAGE" | guest-physical address | PageMeasureFlags | SHA-384(page contents)
    public static void AppendPage(ref Sha384 measurement, ulong guestAddress, PageMeasureFlags flags, ReadOnlySpan<byte> page)
    {
        Span<byte> record = stackalloc byte[24 + Sha384.DigestSize];
        "RDBTPAGE"u8.CopyTo(record);
        WriteUInt64(record.Slice(8), guestAddress);
        WriteUInt64(record.Slice(16), (ulong)flags);
        Sha384.Hash(page, record.Slice(24));
        measurement.Append(record);
    }

    // "RDBTVCPU" | index | VcpuState as laid out in Redoubt.Abi
    public static void AppendVcpu(ref Sha384 measurement, ulong index, in VcpuState state)
    {
        Span<byte> record = stackalloc byte[16];
        "RDBTVCPU"u8.CopyTo(record);
        WriteUInt64(record.Slice(8), index);
        measurement.Append(record);
        measurement.Append(MemoryMarshal.AsBytes(new ReadOnlySpan<VcpuState>(in state)));
    }

    // "RDBTFINL" | vCPU count, then the digest.
    public static void Finish(ref Sha384 measurement, ulong vcpuCount, Span<byte> digest)
    {
        Span<byte> record = stackalloc byte[16];
        "RDBTFINL"u8.CopyTo(record);
        WriteUInt64(record.Slice(8), vcpuCount);
        measurement.Append(record);
        measurement.Finish(digest);
    }

    private static void WriteUInt64(Span<byte> destination, ulong value)
    {
        for (int i = 0; i < 8; i++)
            destination[i] = (byte)(value >> (8 * i));
    }
}
