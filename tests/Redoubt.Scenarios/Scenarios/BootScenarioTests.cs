using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Redoubt.Scenarios.Collections;
using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.Scenarios;

/// <summary>Scenario `boot`: what a user sees on a normal boot (docs/console-protocol.md).</summary>
[Collection(BootCollection.Name)]
public sealed class BootScenarioTests(RedoubtImages images)
{
    private const string Hex = ScenarioAssert.Hex;

    private static readonly string[] MemoryKinds =
        ["usable", "reserved", "acpi-reclaimable", "acpi-nvs", "unusable", "loader", "firmware-runtime", "mmio", "persistent"];

    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task Boot_prints_the_banner_naming_the_boot_path(BootPath path)
    {
        QemuResult run = await images.BootAsync(path, "boot");

        ScenarioAssert.Line(run, "INFO", "boot", $@"^Redoubt \d+\.\d+\.\d+ \(boot path: {BootPathNames.Of(path)}\)$", "the banner");
    }

    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task Boot_prints_its_lines_in_the_documented_order(BootPath path)
    {
        QemuResult run = await images.BootAsync(path, "boot");

        var milestones = new List<(string Subsystem, string Pattern, string What)>();
        if (path == BootPath.Uefi)
            milestones.Add(("boot", "^UEFI: reading the memory map and leaving boot services$", "the UEFI exit from boot services"));
        milestones.AddRange(
        [
            ("boot", @"^Redoubt \d+\.\d+\.\d+ \(boot path: ", "the banner"),
            ("boot", "^command line: \"redoubt\\.scenario=boot\"$", "the command line"),
            ("boot", $"^image {Hex}-{Hex}, ACPI RSDP at {Hex}$", "the image range and ACPI RSDP"),
            ("boot", "^boot archive: ", "where the boot archive came from"),
            ("memory", $"^{Hex}-{Hex} ", "the first memory region"),
            ("memory", @"^\d+ regions, \d+ MiB usable$", "the memory summary"),
            ("paging", @"^kernel address space active \(", "the address space switch"),
            ("paging", @"^audit: ", "the page-table audit"),
            ("runtime", "^self-check passed", "the runtime self-check"),
            ("boot", "^done$", "the end of the boot"),
        ]);
        LogLine? previous = null;
        foreach (var (subsystem, pattern, what) in milestones)
        {
            LogLine line = ScenarioAssert.LineAndMatch(run, "INFO", subsystem, pattern, what).Line;
            ScenarioAssert.True(run, previous is null || line.LineNumber > previous.LineNumber,
                $"{what} (`{line}`) after `{previous}`, as docs/console-protocol.md orders a boot.");
            previous = line;
        }
    }

    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task Boot_names_where_the_boot_archive_came_from(BootPath path)
    {
        QemuResult run = await images.BootAsync(path, "boot");
        // PVH: QEMU's -initrd; UEFI: the file the harness put on the ESP, read by the kernel
        // through the firmware's file system before it left boot services.
        string archive = path == BootPath.Pvh
            ? Path.Combine(RedoubtImages.ImageDirectory, "guests.cpio")
            : QemuRunner.EspArchiveSource(RedoubtImages.ImageDirectory);
        string source = path == BootPath.Pvh ? "PVH module" : Regex.Escape(@"\EFI\redoubt\boot.cpio on the ESP");

        Match line = ScenarioAssert.Line(run, "INFO", "boot", $@"^boot archive: {source} at (?<base>{Hex}) \((?<bytes>\d+) bytes\)$",
            "where the boot archive came from");
        ulong start = ScenarioAssert.ParseHex(line.Groups["base"].Value);
        long bytes = long.Parse(line.Groups["bytes"].Value, CultureInfo.InvariantCulture);
        ScenarioAssert.True(run, bytes == new FileInfo(archive).Length,
            $"the archive's {new FileInfo(archive).Length} bytes ({archive}), but the kernel says {bytes}.");
        ScenarioAssert.True(run, start != 0 && (start & 0xfff) == 0, $"a page-aligned, non-zero archive address, but it is {line.Groups["base"].Value}.");
        if (path == BootPath.Uefi)
        {
            // EfiLoaderData: the kernel keeps it (mapped for itself, never Dom0's or the table pool's).
            ulong end = start + (ulong)bytes - 1;
            ScenarioAssert.True(run, MemoryRegion.All(run.Log).Any(r => r.Type == "loader" && r.Start <= start && end <= r.End),
                $"the archive {line.Groups["base"].Value}+{bytes} inside a `loader` memory region.");
        }
    }

    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task Boot_prints_a_consistent_memory_map(BootPath path)
    {
        QemuResult run = await images.BootAsync(path, "boot");
        List<MemoryRegion> regions = MemoryRegion.All(run.Log);

        ScenarioAssert.True(run, regions.Count > 0,
            "memory map lines `[INFO] memory: 0x<start>-0x<end> <kind> (<size> bytes|KiB|MiB|GiB)`.");
        foreach (MemoryRegion r in regions)
        {
            ScenarioAssert.True(run, MemoryKinds.Contains(r.Type),
                $"a documented memory kind ({string.Join(", ", MemoryKinds)}) in `{r.Line}`.");
            ScenarioAssert.True(run, r.SizeMatchesRange,
                $"the size in `{r.Line}` to be the range's {r.Bytes} bytes rounded down to the printed unit.");
        }
        ScenarioAssert.True(run, regions.Any(r => r.Type == "usable"), "at least one usable region.");
        var sorted = regions.OrderBy(r => r.Start).ToList();
        for (int i = 1; i < sorted.Count; i++)
        {
            ScenarioAssert.True(run, sorted[i].Start > sorted[i - 1].End,
                $"no overlapping regions, but `{sorted[i - 1].Line}` and `{sorted[i].Line}` overlap.");
        }
    }

    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task Boot_summarises_the_memory_map(BootPath path)
    {
        QemuResult run = await images.BootAsync(path, "boot");
        List<MemoryRegion> regions = MemoryRegion.All(run.Log);

        Match summary = ScenarioAssert.Line(run, "INFO", "memory", @"^(?<regions>\d+) regions, (?<mib>\d+) MiB usable$", "the memory summary");
        int count = int.Parse(summary.Groups["regions"].Value, CultureInfo.InvariantCulture);
        ulong mib = ulong.Parse(summary.Groups["mib"].Value, CultureInfo.InvariantCulture);
        ulong usableBytes = regions.Where(r => r.Type == "usable").Aggregate(0UL, (sum, r) => sum + r.Bytes);

        ScenarioAssert.True(run, count == regions.Count,
            $"the summary's region count ({count}) to equal the number of region lines ({regions.Count}).");
        ScenarioAssert.True(run, mib == usableBytes >> 20,
            $"the summary's {mib} MiB usable to be the usable regions' {usableBytes} bytes rounded down ({usableBytes >> 20} MiB).");
        ScenarioAssert.True(run, mib >= 128 && mib <= 256,
            $"between 128 and 256 MiB usable on a 256 MiB machine, but the summary says {mib} MiB.");
    }

    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task Boot_activates_the_kernel_address_space(BootPath path)
    {
        QemuResult run = await images.BootAsync(path, "boot");

        Match active = ScenarioAssert.Line(run, "INFO", "paging", $@"^kernel address space active \(cr3=(?<cr3>{Hex})\)",
            "the kernel address space switch");
        ScenarioAssert.True(run, ScenarioAssert.ParseHex(active.Groups["cr3"].Value) is var cr3 && cr3 != 0 && (cr3 & 0xfff) == 0,
            $"cr3 to be a non-zero, page-aligned table address, but it is {active.Groups["cr3"].Value}.");
    }

    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task Boot_ends_with_done_and_exit_pass_without_warnings(BootPath path)
    {
        QemuResult run = await images.BootAsync(path, "boot");

        ScenarioAssert.NoLine(run, "PANIC", "no panic");
        ScenarioAssert.NoLine(run, "ERROR", "no error");
        ScenarioAssert.NoLine(run, "WARN", "no warning on a standard QEMU machine");
        string last = run.Log.Entries.Count > 0 ? $"`{run.Log.Entries[^1]}`" : "no log line at all";
        ScenarioAssert.True(run, last == "`[INFO] boot: done`", $"`[INFO] boot: done` as the last log line, but there is {last}.");
        ScenarioAssert.Exit(run, QemuExit.Pass);
    }

    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task Boot_prints_only_well_formed_log_lines(BootPath path)
    {
        QemuResult run = await images.BootAsync(path, "boot");

        ScenarioAssert.True(run, run.Log.Entries.Count > 0, "kernel log lines `[LEVEL] subsystem: message`.");
        // Firmware may leave text in front of the first kernel line; every later line is the kernel's.
        int start = run.Log.Entries[0].LineNumber;
        for (int i = start + 1; i < run.Log.Lines.Count; i++)
        {
            string line = run.Log.Lines[i];
            ScenarioAssert.True(run, ConsoleLog.IsWellFormed(line),
                $"every console line after the first kernel line to be `[LEVEL] subsystem: message`, but line {i + 1} is `{line}`.");
        }
    }
}
