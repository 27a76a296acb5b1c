using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.HarnessTests;

/// <summary>The runner itself, without a kernel: QEMU that never exits is stopped and leaves
/// nothing behind; QEMU that refuses its options is reported with its message.</summary>
public sealed class QemuRunnerTests
{
    [Fact]
    public async Task A_machine_that_never_exits_is_killed_at_the_timeout()
    {
        // No kernel: SeaBIOS finds nothing to boot and waits forever.
        QemuResult run = await QemuRunner.RunAsync("no boot device", _ => [], TimeSpan.FromSeconds(3));

        Assert.Equal(QemuExit.Timeout, run.Exit);
        Assert.Equal(124, run.ExitCode);
        Assert.Contains("SeaBIOS", run.Console, StringComparison.Ordinal);
        Assert.InRange(run.WallTime, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(15));
        Assert.False(Directory.Exists(run.RunDirectory), "the run's temp directory should be deleted");
        Assert.Empty(ProcessesMentioning(run.RunDirectory));
    }

    [Fact]
    public async Task Qemu_refusing_its_options_is_an_error_with_its_message()
    {
        QemuResult run = await QemuRunner.RunAsync("bad option", _ => ["-no-such-option"], TimeSpan.FromSeconds(30));

        Assert.Equal(QemuExit.Error, run.Exit);
        Assert.Contains("no-such-option", run.QemuOutput, StringComparison.Ordinal);
        Assert.Contains("no-such-option", run.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_esp_gets_dom0_cpio_once_built_else_guests_cpio()
    {
        using var dir = new TempDirectory("redoubt-images-");
        File.WriteAllText(dir.File("guests.cpio"), "");
        Assert.Equal(dir.File("guests.cpio"), QemuRunner.EspArchiveSource(dir.Path));

        File.WriteAllText(dir.File("dom0.cpio"), "");
        Assert.Equal(dir.File("dom0.cpio"), QemuRunner.EspArchiveSource(dir.Path));
    }

    /// <summary>Processes whose command line contains <paramref name="text"/> (Linux /proc).</summary>
    private static string[] ProcessesMentioning(string text) =>
        Directory.EnumerateDirectories("/proc")
            .Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Select(d => (Dir: d, CommandLine: ReadCommandLine(d)))
            .Where(p => p.CommandLine.Contains(text, StringComparison.Ordinal))
            .Select(p => $"{Path.GetFileName(p.Dir)}: {p.CommandLine}")
            .ToArray();

    private static string ReadCommandLine(string procDir)
    {
        try
        {
            return File.ReadAllText(Path.Combine(procDir, "cmdline")).Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
