using System;
using Redoubt.Dom0.Control;
using Xunit;

namespace Redoubt.Dom0.Tests;

public class CommandLineTests
{
    [Theory]
    [InlineData("")]
    [InlineData("help")]
    [InlineData("--help")]
    [InlineData("-h")]
    public void AsksForTheUsage(string commandLine) =>
        Assert.Equal(ParsedCommandLine.Of(Command.Help), CommandLine.Parse(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)));

    [Fact]
    public void KnowsInfo() => Assert.Equal(ParsedCommandLine.Of(Command.Info), CommandLine.Parse(["info"]));

    [Theory]
    [InlineData(new[] { "infos" }, "unknown command 'infos'")]
    [InlineData(new[] { "INFO" }, "unknown command 'INFO'")]
    [InlineData(new[] { "" }, "unknown command ''")]
    [InlineData(new[] { "--info" }, "unknown command '--info'")]
    [InlineData(new[] { "info", "now" }, "'info' takes no arguments (got: now)")]
    [InlineData(new[] { "info", "-v", "x" }, "'info' takes no arguments (got: -v x)")]
    [InlineData(new[] { "help", "info" }, "'help' takes no arguments (got: info)")]
    public void RefusesWithAReason(string[] args, string error)
    {
        ParsedCommandLine parsed = CommandLine.Parse(args);
        Assert.Equal(Command.Invalid, parsed.Command);
        Assert.Equal(error, parsed.Error);
    }

    [Fact]
    public void TheUsageNamesEveryCommandAndTheExitStatuses()
    {
        Assert.StartsWith("Usage: redoubtctl <command>", CommandLine.Usage);
        Assert.Contains("\n  info ", CommandLine.Usage);
        Assert.Contains("\n  help ", CommandLine.Usage);
        Assert.Contains("0 success; 1 failure", CommandLine.Usage);
        Assert.Contains("2 a bad command line", CommandLine.Usage);
    }
}
