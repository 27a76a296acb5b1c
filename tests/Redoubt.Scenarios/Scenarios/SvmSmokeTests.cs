using System.Threading.Tasks;
using Redoubt.Scenarios.Collections;
using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.Scenarios;

/// <summary>Scenario `svm-smoke`: a real-mode guest runs under SVM with nested paging; its port
/// writes and CPUID reach the kernel as exits, and it halts.</summary>
[Collection(SvmCollection.Name)]
public sealed class SvmSmokeTests(RedoubtImages images)
{
    private const string Hex = ScenarioAssert.Hex;

    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task Guest_runs_under_nested_paging_and_its_exits_reach_the_kernel(BootPath path)
    {
        QemuResult run = await images.BootAsync(path, "svm-smoke");

        ScenarioAssert.Line(run, "INFO", "svm", $@"^SVM revision \d+, \d+ ASIDs, features {Hex}$", "the SVM features");
        var first = ScenarioAssert.Line(run, "INFO", "svm", $"^guest wrote 0x0*52 to port 0x0*80$", "the guest's first port write (0x52)");
        var second = ScenarioAssert.Line(run, "INFO", "svm", $"^guest wrote 0x0*44 to port 0x0*80$", "the guest's second port write (0x44)");
        ScenarioAssert.Line(run, "INFO", "svm", $"^guest CPUID leaf 0x0*$", "the guest's CPUID exit");
        ScenarioAssert.Line(run, "INFO", "svm", @"^guest halted after 4 exits$", "the guest halting after exactly its 4 exits");
        ScenarioAssert.Line(run, "INFO", "boot", "^done$", "the end of the boot");
        ScenarioAssert.Exit(run, QemuExit.Pass);
    }
}
