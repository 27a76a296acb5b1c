using System.Runtime.CompilerServices;

namespace System;

// Bound by name by the compiler for block copies, zeroing and fills.
internal static class SpanHelpers
{
    internal static void Memmove(ref byte destination, ref byte source, nuint length)
    {
        if (Unsafe.IsAddressLessThan(ref source, ref destination))
        {
            for (nuint i = length; i > 0; i--)
                Unsafe.Add(ref destination, i - 1) = Unsafe.Add(ref source, i - 1);
        }
        else
        {
            for (nuint i = 0; i < length; i++)
                Unsafe.Add(ref destination, i) = Unsafe.Add(ref source, i);
        }
    }

    internal static void ClearWithoutReferences(ref byte destination, nuint length)
    {
        for (nuint i = 0; i < length; i++)
            Unsafe.Add(ref destination, i) = 0;
    }

    internal static void ClearWithReferences(ref nint destination, nuint pointerCount)
    {
        for (nuint i = 0; i < pointerCount; i++)
            Unsafe.Add(ref destination, i) = 0;
    }

    internal static void Fill(ref byte destination, byte value, nuint length)
    {
        for (nuint i = 0; i < length; i++)
            Unsafe.Add(ref destination, i) = value;
    }
}
