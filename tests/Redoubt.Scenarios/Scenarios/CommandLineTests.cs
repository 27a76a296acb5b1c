using System.Threading.Tasks;
using Redoubt.Scenarios.Collections;
using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.Scenarios;

/// <summary>The boot command line on both paths (PVH start_info, UEFI fw_cfg file).</summary>
[Collection(BootCollection.Name)]
public sealed class CommandLineTests(RedoubtImages images)
{
    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task Other_words_on_the_command_line_are_ignored(BootPath path)
    {
        const string cmdline = "quiet redoubt.scenario=boot console=ttyS0 x";
        QemuResult run = await images.BootWithCommandLineAsync(path, cmdline);

        ScenarioAssert.Line(run, "INFO", "boot", "^command line: \"quiet redoubt\\.scenario=boot console=ttyS0 x\"$",
            "the command line echoed as given");
        ScenarioAssert.Line(run, "INFO", "boot", "^done$", "the boot scenario's end");
        ScenarioAssert.Exit(run, QemuExit.Pass);
    }

    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task An_unknown_scenario_stops_the_boot_naming_it(BootPath path)
    {
        QemuResult run = await images.BootAsync(path, "no-such-scenario");

        ScenarioAssert.Panic(run, "boot", "^unknown scenario: no-such-scenario$", "unknown scenario");
    }
}
