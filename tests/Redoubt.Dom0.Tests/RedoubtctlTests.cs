using System;
using System.IO;
using System.Linq;
using Redoubt.Abi;
using Redoubt.Dom0.Control;
using Xunit;

namespace Redoubt.Dom0.Tests;

public class RedoubtctlTests
{
    private static (int Status, string Out, string Err) Run(FakePlatform platform, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int status = Redoubtctl.Run(args, platform, stdout, stderr);
        return (status, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("help")]
    [InlineData("--help")]
    public void HelpPrintsTheUsageAndSucceeds(string commandLine)
    {
        var platform = new FakePlatform();
        var (status, output, errors) = Run(platform, commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(ExitCode.Success, status);
        Assert.Equal(CommandLine.Usage + "\n", output);
        Assert.Empty(errors);
        Assert.Empty(platform.CpuidLeaves);
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, "redoubtctl: unknown command 'frobnicate'")]
    [InlineData(new[] { "info", "extra" }, "redoubtctl: 'info' takes no arguments (got: extra)")]
    public void ABadCommandLineExplainsShowsTheUsageAndExitsWith2(string[] args, string message)
    {
        var platform = new FakePlatform();
        var (status, output, errors) = Run(platform, args);
        Assert.Equal(ExitCode.Usage, status);
        Assert.Equal(2, ExitCode.Usage);
        Assert.Empty(output);
        Assert.Equal($"{message}\n\n{CommandLine.Usage}\n", errors);
        Assert.Empty(platform.CpuidLeaves);
        Assert.Empty(platform.Calls);
    }

    [Fact]
    public void InfoPrintsTheRecordFromOneInfoHypercall()
    {
        var platform = new FakePlatform();
        platform.Answers(InfoReportTests.Sample());
        var (status, output, errors) = Run(platform, "info");
        Assert.Equal(ExitCode.Success, status);
        Assert.Equal(string.Join("\n", InfoReport.Lines(InfoReportTests.Sample())) + "\n", output);
        Assert.Empty(errors);
        HypercallRegisters call = Assert.Single(platform.Calls);
        Assert.Equal(HypercallRegisters.Of(Hypercall.Info, platform.BufferAddress, (ulong)InfoRecord.Size), call);
        Assert.True(platform.Device!.Disposed);
    }

    [Fact]
    public void WithoutAHypervisorNoHypercallIsMade()
    {
        var platform = new FakePlatform { Features = new CpuidRegisters(0x00A00F11, 0, 0x7ED8320B, 0x178BFBFF) };
        var (status, output, errors) = Run(platform, "info");
        Assert.Equal(ExitCode.Failure, status);
        Assert.Empty(output);
        Assert.Equal("redoubtctl: not running under Redoubt (no hypervisor: CPUID leaf 1 ECX bit 31 is clear)\n", errors);
        Assert.Equal([HypervisorSignature.FeatureLeaf], platform.CpuidLeaves);
        Assert.Empty(platform.Calls);
        Assert.Null(platform.Device);
    }

    [Fact]
    public void UnderAnotherHypervisorNoHypercallIsMade()
    {
        var platform = new FakePlatform { HypervisorLeaf = new CpuidRegisters(0x4000_0001, 0x4B4D564B, 0x564B4D56, 0x0000004D) };
        var (status, _, errors) = Run(platform, "info");
        Assert.Equal(ExitCode.Failure, status);
        Assert.Equal("redoubtctl: not running under Redoubt (the hypervisor's signature is \"KVMKVMKVM\", not \"RedoubtHV\")\n", errors);
        Assert.Empty(platform.Calls);
    }

    [Fact]
    public void WithoutTheDriverItSaysSoAndExitsWith1()
    {
        var platform = new FakePlatform { OpenError = "/dev/redoubt is missing: Redoubt's driver (redoubt.ko) is not loaded" };
        var (status, output, errors) = Run(platform, "info");
        Assert.Equal(ExitCode.Failure, status);
        Assert.Empty(output);
        Assert.Equal($"redoubtctl: {platform.OpenError}\n", errors);
        Assert.Empty(platform.Calls);
    }

    [Fact]
    public void ARequestTheDriverRefusesIsAFailureWithTheReason()
    {
        var platform = new FakePlatform { CallError = "the driver refused the call: Invalid argument (errno 22)" };
        var (status, output, errors) = Run(platform, "info");
        Assert.Equal(ExitCode.Failure, status);
        Assert.Empty(output);
        Assert.Equal($"redoubtctl: the Info hypercall was not made: {platform.CallError}\n", errors);
        Assert.True(platform.Device!.Disposed);
    }

    [Theory]
    [InlineData(HypercallStatus.InvalidBuffer, "InvalidBuffer")]
    [InlineData(HypercallStatus.UnknownHypercall, "UnknownHypercall")]
    [InlineData((HypercallStatus)99, "unknown status 99")]
    public void AFailedHypercallIsNamed(HypercallStatus failure, string name)
    {
        var platform = new FakePlatform { Hypervisor = (_, _) => HypercallResult.Fail(failure) };
        var (status, output, errors) = Run(platform, "info");
        Assert.Equal(ExitCode.Failure, status);
        Assert.Empty(output);
        Assert.Equal($"redoubtctl: the Info hypercall failed: {name}\n", errors);
    }

    [Fact]
    public void EveryStatusHasItsEnumName()
    {
        foreach (HypercallStatus s in Enum.GetValues<HypercallStatus>())
            Assert.Equal(s.ToString(), Redoubtctl.StatusName(s));
    }

    [Fact]
    public void AnInconsistentRecordIsPrintedAndFails()
    {
        InfoRecord record = InfoReportTests.Sample();
        record.FramesDom0 += 100; // the owners now add up to more than the total
        var platform = new FakePlatform();
        platform.Answers(record);
        var (status, output, errors) = Run(platform, "info");
        Assert.Equal(ExitCode.Failure, status);
        Assert.Contains("frames.other: -88\n", output);
        Assert.Equal("redoubtctl: Redoubt's answer is inconsistent: the frames by owner add up to 65624, more than the 65536 in total\n", errors);
    }

    [Fact]
    public void AnotherMajorAbiPrintsNoFigures()
    {
        InfoRecord record = InfoReportTests.Sample();
        record.AbiVersion = 2UL << 16;
        var platform = new FakePlatform();
        platform.Answers(record);
        var (status, output, errors) = Run(platform, "info");
        Assert.Equal(ExitCode.Failure, status);
        Assert.Empty(output);
        Assert.StartsWith("redoubtctl: Redoubt speaks ABI 2.0", errors);
    }

    [Fact]
    public void TheBufferIsZeroedBeforeTheCall()
    {
        var platform = new FakePlatform();
        byte[] seen = [];
        platform.Hypervisor = (_, bytes) =>
        {
            seen = bytes.ToArray();
            return HypercallResult.Fail(HypercallStatus.InvalidBuffer);
        };
        Run(platform, "info");
        Assert.Equal(InfoRecord.Size, seen.Length);
        Assert.All(seen, b => Assert.Equal(0, b));
    }

    [Fact]
    public void TheLinesParseAsKeyValuePairs()
    {
        var platform = new FakePlatform();
        platform.Answers(InfoReportTests.Sample());
        var (_, output, _) = Run(platform, "info");
        string[] lines = output.TrimEnd('\n').Split('\n');
        Assert.Matches(@"^Redoubt \d+\.\d+\.\d+ \(ABI \d+\.\d+\)$", lines[0]);
        var keys = lines.Skip(1).Select(l => Assert.Single(System.Text.RegularExpressions.Regex.Matches(l, @"^([a-z0-9_.]+): (-?[0-9.]+)$")).Groups[1].Value).ToList();
        Assert.Equal(keys.Distinct().Count(), keys.Count);
        Assert.Contains("frames.dom0", keys);
        Assert.Contains("frames.other", keys);
    }
}
