using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Redoubt.Abi;

namespace Redoubt.Kernel.Tests.Hypercalls;

// The launch measurement recomputed independently with System.Security.Cryptography, record by
// record as LaunchMeasurement defines it: header, one record per loaded page, one per vCPU (index
// order), the final record. What a host tool reproducing a VM's measurement would do.
internal sealed class ExpectedMeasurement
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA384);

    public ExpectedMeasurement() { _hash.AppendData("RDBT-LAUNCH-V1\0\0"u8); }

    public ExpectedMeasurement Page(ulong guestAddress, PageMeasureFlags flags, ReadOnlySpan<byte> content)
    {
        Span<byte> record = stackalloc byte[24 + 48];
        "RDBTPAGE"u8.CopyTo(record);
        BinaryPrimitives.WriteUInt64LittleEndian(record.Slice(8), guestAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(record.Slice(16), (ulong)flags);
        SHA384.HashData(content, record.Slice(24));
        _hash.AppendData(record);
        return this;
    }

    public ExpectedMeasurement Vcpu(ulong index, VcpuState state)
    {
        Span<byte> record = stackalloc byte[16];
        "RDBTVCPU"u8.CopyTo(record);
        BinaryPrimitives.WriteUInt64LittleEndian(record.Slice(8), index);
        _hash.AppendData(record);
        _hash.AppendData(MemoryMarshal.AsBytes(new ReadOnlySpan<VcpuState>(in state)));
        return this;
    }

    public byte[] Finish(ulong vcpuCount)
    {
        Span<byte> record = stackalloc byte[16];
        "RDBTFINL"u8.CopyTo(record);
        BinaryPrimitives.WriteUInt64LittleEndian(record.Slice(8), vcpuCount);
        _hash.AppendData(record);
        return _hash.GetHashAndReset();
    }
}
