using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Redoubt.Dom0.Control;
using Xunit;

namespace Redoubt.Dom0.Tests;

// docs/redoubtctl.md against the code: every `info` key, every self-test of Dom0's /init and
// the default command line that build-dom0.sh writes are documented.
public class DocumentTests
{
    internal static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Directory.Build.props")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"no Directory.Build.props above {AppContext.BaseDirectory}");
    }

    private static string Read(params string[] path) => File.ReadAllText(Path.Combine([Root(), .. path]));

    [Fact]
    public void EveryInfoKeyIsDocumented()
    {
        string doc = Read("docs", "redoubtctl.md");
        foreach (string line in InfoReport.Lines(InfoReportTests.Sample()).Skip(1))
        {
            string key = line[..line.IndexOf(':')];
            Assert.True(doc.Contains($"`{key}`"), $"docs/redoubtctl.md does not list the info key `{key}`");
        }
    }

    [Fact]
    public void EverySelfTestOfInitIsDocumented()
    {
        string init = Read("src", "Redoubt.Dom0", "init.sh");
        string doc = Read("docs", "redoubtctl.md");
        string cases = init[init.IndexOf("case $TEST in", StringComparison.Ordinal)..];
        cases = cases[..cases.IndexOf("esac", StringComparison.Ordinal)];
        string[] tests = Regex.Matches(cases, @"^\s+([a-z0-9-]+)\)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(["info", "hidden", "devmem", "disk", "boundary", "buffers", "ioctl-bench", "shootdown", "driver-memory", "hypercall-storm", "msr", "pciclasses", "platform", "triplefault", "poweroff"], tests);
        foreach (string test in tests)
            Assert.True(doc.Contains($"| `{test}` |"), $"docs/redoubtctl.md has no row for the self-test `{test}`");
    }

    [Fact]
    public void TheDefaultCommandLineIsDocumented()
    {
        Match line = Regex.Match(Read("src", "Redoubt.Dom0", "build-dom0.sh"), "^DOM0_CMDLINE=\"([^\"]*)\"$", RegexOptions.Multiline);
        Assert.True(line.Success, "build-dom0.sh sets no DOM0_CMDLINE");
        Assert.Contains($"`{line.Groups[1].Value}`", Read("docs", "redoubtctl.md"));
    }
}
