using System;
using System.Text;
using Redoubt.Kernel.Boot;
using Xunit;

namespace Redoubt.Kernel.Tests.Boot;

public class Dom0CommandLineTests
{
    [Theory]
    [InlineData("redoubt.scenario=dom0 -- redoubt.test=info quiet", "redoubt.test=info quiet")]
    [InlineData("redoubt.scenario=dom0 --   x", "x")]
    [InlineData("-- a", "a")]
    [InlineData("redoubt.scenario=dom0 --", "")]
    [InlineData("redoubt.scenario=dom0", "")]
    [InlineData("redoubt.x=--y --z", "")]              // "--" only as a word of its own
    [InlineData("a -- b -- c", "b -- c")]              // everything after the first
    public void What_follows_the_double_dash_goes_to_dom0(string commandLine, string appended) =>
        Assert.Equal(appended, Encoding.ASCII.GetString(Dom0CommandLine.Appended(Encoding.ASCII.GetBytes(commandLine))));

    [Theory]
    [InlineData("console=ttyS0 panic=-1\n", "redoubt.test=info", "console=ttyS0 panic=-1 redoubt.test=info")]
    [InlineData("console=ttyS0\r\n\t \0", "", "console=ttyS0")]
    [InlineData("", "x", " x")]
    public void The_archive_line_then_the_appended_part_zero_terminated(string archived, string appended, string expected)
    {
        var output = new byte[64];
        int length = Dom0CommandLine.Compose(output, Encoding.ASCII.GetBytes(archived), Encoding.ASCII.GetBytes(appended));
        Assert.Equal(expected, Encoding.ASCII.GetString(output, 0, length));
        Assert.Equal(0, output[length]);
    }

    [Fact]
    public void A_line_that_does_not_fit_is_refused_and_nothing_is_written()
    {
        var output = new byte[8];
        Array.Fill(output, (byte)0xAA);
        Assert.Equal(-1, Dom0CommandLine.Compose(output, "1234"u8, "567"u8));
        Assert.All(output, b => Assert.Equal(0xAA, b));
        Assert.Equal(7, Dom0CommandLine.Compose(output, "1234"u8, "56"u8));
    }
}
