using System.Runtime.CompilerServices;

namespace System;

// Bound by name by the compiler for block copies, zeroing and fills.
internal static class SpanHelpers
{
    // Word by word, then the tail byte by byte: under software emulation a byte loop costs about
    // eight times as much, and the kernel moves megabytes at boot (Dom0's kernel and initramfs,
    // zeroed frames). Each word is read whole before it is written, so copying from the end when
    // the destination lies above the source keeps overlapping moves right.
    internal static void Memmove(ref byte destination, ref byte source, nuint length)
    {
        if (Unsafe.IsAddressLessThan(ref source, ref destination))
        {
            nuint i = length;
            for (; i >= 8; i -= 8)
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, i - 8), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, i - 8)));
            for (; i > 0; i--)
                Unsafe.Add(ref destination, i - 1) = Unsafe.Add(ref source, i - 1);
        }
        else
        {
            nuint i = 0;
            for (; i + 8 <= length; i += 8)
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, i), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, i)));
            for (; i < length; i++)
                Unsafe.Add(ref destination, i) = Unsafe.Add(ref source, i);
        }
    }

    internal static void ClearWithoutReferences(ref byte destination, nuint length) => Fill(ref destination, 0, length);

    internal static void ClearWithReferences(ref nint destination, nuint pointerCount)
    {
        for (nuint i = 0; i < pointerCount; i++)
            Unsafe.Add(ref destination, i) = 0;
    }

    internal static void Fill(ref byte destination, byte value, nuint length)
    {
        ulong word = value * 0x0101_0101_0101_0101UL;
        nuint i = 0;
        for (; i + 8 <= length; i += 8)
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, i), word);
        for (; i < length; i++)
            Unsafe.Add(ref destination, i) = value;
    }
}
