using System;

namespace Redoubt.Kernel.Virtualization;

// Little-endian loads and stores for the binary formats guests bring (ELF, the Linux bzImage
// and its boot_params). Corlib has no BinaryPrimitives; byte-wise access is also
// alignment-free. Callers check bounds first.
internal static class LittleEndian
{
    public static ushort ReadUInt16(ReadOnlySpan<byte> source, int offset) =>
        (ushort)(source[offset] | source[offset + 1] << 8);

    public static uint ReadUInt32(ReadOnlySpan<byte> source, int offset) =>
        ReadUInt16(source, offset) | (uint)ReadUInt16(source, offset + 2) << 16;

    public static ulong ReadUInt64(ReadOnlySpan<byte> source, int offset) =>
        ReadUInt32(source, offset) | (ulong)ReadUInt32(source, offset + 4) << 32;

    public static void WriteUInt16(Span<byte> destination, int offset, ushort value)
    {
        destination[offset] = (byte)value;
        destination[offset + 1] = (byte)(value >> 8);
    }

    public static void WriteUInt32(Span<byte> destination, int offset, uint value)
    {
        WriteUInt16(destination, offset, (ushort)value);
        WriteUInt16(destination, offset + 2, (ushort)(value >> 16));
    }

    public static void WriteUInt64(Span<byte> destination, int offset, ulong value)
    {
        WriteUInt32(destination, offset, (uint)value);
        WriteUInt32(destination, offset + 4, (uint)(value >> 32));
    }
}
