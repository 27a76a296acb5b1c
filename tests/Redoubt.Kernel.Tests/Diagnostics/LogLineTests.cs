using System;
using System.Collections.Generic;
using System.Text;
using Redoubt.Kernel.Diagnostics;
using Xunit;

namespace Redoubt.Kernel.Tests.Diagnostics;

public class LogLineTests
{
    [Fact]
    public void FormatsLevelSubsystemAndFields()
    {
        CapturingSink.Lines.Clear();
        new LogLine<CapturingSink>(LogLevel.Info, "memory"u8).Hex(0x9fbff).Text(" "u8).Decimal(0).Text(" "u8).Size(254UL << 20).End();
        new LogLine<CapturingSink>(LogLevel.Panic, "trap"u8).Text("page fault"u8).End();

        Assert.Equal(new[] { "[INFO] memory: 0x000000000009fbff 0 254 MiB", "[PANIC] trap: page fault" }, CapturingSink.Lines);
    }

    [Fact]
    public void CutsOverlongLinesVisibly()
    {
        CapturingSink.Lines.Clear();
        var line = new LogLine<CapturingSink>(LogLevel.Warn, "x"u8);
        for (int i = 0; i < 100; i++)
            line.Text("abcdef"u8);
        line.End();

        string text = Assert.Single(CapturingSink.Lines);
        Assert.Equal(LineBuffer.Capacity - 1, text.Length);
        Assert.EndsWith("...", text);
    }

    [Fact]
    public void ReplacesNonPrintableCharactersOfStrings()
    {
        CapturingSink.Lines.Clear();
        new LogLine<CapturingSink>(LogLevel.Error, "x"u8).Text("a\u00e9\nb").Text((string?)null).End();
        Assert.Equal("[ERROR] x: a??b(null)", Assert.Single(CapturingSink.Lines));
    }

    [Theory]
    [InlineData(0UL, "0 bytes")]
    [InlineData(1023UL, "1023 bytes")]
    [InlineData(1024UL, "1 KiB")]
    [InlineData(639UL * 1024, "639 KiB")]
    [InlineData((1UL << 20) + 5, "1 MiB")]
    [InlineData(12UL << 30, "12 GiB")]
    [InlineData(ulong.MaxValue, "17179869183 GiB")]
    public void SizesRoundDownToWholeUnits(ulong bytes, string expected)
    {
        Span<byte> buffer = stackalloc byte[32];
        Assert.Equal(expected, Encoding.ASCII.GetString(NumberFormat.Size(bytes, buffer)));
    }

    [Theory]
    [InlineData(0UL, "0")]
    [InlineData(10UL, "10")]
    [InlineData(ulong.MaxValue, "18446744073709551615")]
    public void DecimalMatchesTheBcl(ulong value, string expected)
    {
        Span<byte> buffer = stackalloc byte[20];
        Assert.Equal(expected, Encoding.ASCII.GetString(NumberFormat.Decimal(value, buffer)));
        Assert.Equal(value.ToString(), expected);
    }

    [Fact]
    public void HexIsSixteenLowercaseDigits()
    {
        Span<byte> buffer = stackalloc byte[18];
        Assert.Equal("0xfedcba9876543210", Encoding.ASCII.GetString(NumberFormat.Hex(0xFEDCBA9876543210, buffer)));
    }
}
