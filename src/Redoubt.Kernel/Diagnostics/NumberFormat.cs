using System;

namespace Redoubt.Kernel.Diagnostics;

// Allocation-free number formatting into a caller's buffer; returns the written slice.
public static class NumberFormat
{
    public static ReadOnlySpan<byte> Hex(ulong value, Span<byte> destination)
    {
        destination[0] = (byte)'0';
        destination[1] = (byte)'x';
        for (int i = 0; i < 16; i++)
        {
            int nibble = (int)((value >> ((15 - i) * 4)) & 0xF);
            destination[2 + i] = (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
        }
        return destination.Slice(0, 18);
    }

    public static ReadOnlySpan<byte> Decimal(ulong value, Span<byte> destination)
    {
        int length = 0;
        ulong rest = value;
        do
        {
            length++;
            rest /= 10;
        }
        while (rest != 0);
        for (int i = length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (int)(value % 10));
            value /= 10;
        }
        return destination.Slice(0, length);
    }

    // Whole KiB, MiB or GiB, rounded down: "639 KiB", "254 MiB". Below 1 KiB: bytes.
    public static ReadOnlySpan<byte> Size(ulong bytes, Span<byte> destination)
    {
        ulong value;
        ReadOnlySpan<byte> unit;
        if (bytes >= 1UL << 30)
        {
            value = bytes >> 30;
            unit = " GiB"u8;
        }
        else if (bytes >= 1UL << 20)
        {
            value = bytes >> 20;
            unit = " MiB"u8;
        }
        else if (bytes >= 1UL << 10)
        {
            value = bytes >> 10;
            unit = " KiB"u8;
        }
        else
        {
            value = bytes;
            unit = " bytes"u8;
        }
        int length = Decimal(value, destination).Length;
        unit.CopyTo(destination.Slice(length));
        return destination.Slice(0, length + unit.Length);
    }

    // A decimal number of 1-19 digits and nothing else; false on anything else.
    public static bool TryParseDecimal(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 19)
            return false;
        foreach (byte c in text)
        {
            if (c < (byte)'0' || c > (byte)'9')
                return false;
            value = value * 10 + (ulong)(c - (byte)'0');
        }
        return true;
    }
}
