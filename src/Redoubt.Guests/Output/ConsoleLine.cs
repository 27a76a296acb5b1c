using System;
using Redoubt.Abi;
using Redoubt.Guests.Hardware;

namespace Redoubt.Guests.Output;

// A console line being written: every call sends its bytes at once (there is no buffer, so
// nothing is lost if the guest stops mid-line) and End() sends the newline that ends it.
// Numbers are decimal, or hexadecimal as "0x" and lower-case digits without leading zeros.
internal readonly struct ConsoleLine
{
    public ConsoleLine Text(ReadOnlySpan<byte> text)
    {
        foreach (byte b in text)
            PortIo.OutByte(TestPort.Console, b);
        return this;
    }

    public ConsoleLine Char(byte character)
    {
        PortIo.OutByte(TestPort.Console, character);
        return this;
    }

    public ConsoleLine Decimal(ulong value)
    {
        Span<byte> digits = stackalloc byte[20];
        int start = digits.Length;
        do
        {
            digits[--start] = (byte)('0' + (int)(value % 10));
            value /= 10;
        }
        while (value != 0);
        return Text(digits.Slice(start));
    }

    public ConsoleLine Hex(ulong value)
    {
        Span<byte> digits = stackalloc byte[18];
        int start = digits.Length;
        do
        {
            int nibble = (int)(value & 0xF);
            digits[--start] = (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
            value >>= 4;
        }
        while (value != 0);
        digits[--start] = (byte)'x';
        digits[--start] = (byte)'0';
        return Text(digits.Slice(start));
    }

    public void End() => PortIo.OutByte(TestPort.Console, (byte)'\n');
}
