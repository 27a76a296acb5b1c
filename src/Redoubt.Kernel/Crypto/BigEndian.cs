using System;
using System.Runtime.CompilerServices;

namespace Redoubt.Kernel.Crypto;

// Big-endian loads and stores for the SHA-2 family, whose words are big-endian while x86 is
// little-endian. Corlib has no BinaryPrimitives; byte-wise access is also alignment-free.
// Inlined because the SHA-2 compression loops call them for every message word.
internal static class BigEndian
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ReadUInt32(ReadOnlySpan<byte> source) =>
        (uint)source[0] << 24 | (uint)source[1] << 16 | (uint)source[2] << 8 | source[3];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ReadUInt64(ReadOnlySpan<byte> source) =>
        (ulong)ReadUInt32(source) << 32 | ReadUInt32(source.Slice(4));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteUInt32(Span<byte> destination, uint value)
    {
        destination[3] = (byte)value;
        destination[2] = (byte)(value >> 8);
        destination[1] = (byte)(value >> 16);
        destination[0] = (byte)(value >> 24);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteUInt64(Span<byte> destination, ulong value)
    {
        WriteUInt32(destination.Slice(4), (uint)value);
        WriteUInt32(destination, (uint)(value >> 32));
    }
}
