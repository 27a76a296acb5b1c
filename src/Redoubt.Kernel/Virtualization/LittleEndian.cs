using System;

namespace Redoubt.Kernel.Virtualization;

// Little-endian loads for the binary formats guests bring (ELF). Corlib has no
// BinaryPrimitives; byte-wise access is also alignment-free. Callers check bounds first.
internal static class LittleEndian
{
    public static ushort ReadUInt16(ReadOnlySpan<byte> source, int offset) =>
        (ushort)(source[offset] | source[offset + 1] << 8);

    public static uint ReadUInt32(ReadOnlySpan<byte> source, int offset) =>
        ReadUInt16(source, offset) | (uint)ReadUInt16(source, offset + 2) << 16;

    public static ulong ReadUInt64(ReadOnlySpan<byte> source, int offset) =>
        ReadUInt32(source, offset) | (ulong)ReadUInt32(source, offset + 4) << 32;
}
