using System;

namespace Redoubt.Kernel.Virtualization;

// Byte-span comparison for the parsers and the scenarios (Redoubt.Corlib has no
// MemoryExtensions.SequenceEqual).
public static class ByteSpans
{
    public static bool Same(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        if (left.Length != right.Length)
            return false;
        for (int i = 0; i < left.Length; i++)
        {
            if (left[i] != right[i])
                return false;
        }
        return true;
    }

    public static bool IsZero(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            if (b != 0)
                return false;
        }
        return true;
    }
}
