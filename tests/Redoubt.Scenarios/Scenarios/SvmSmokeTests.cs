using System.Threading.Tasks;
using Redoubt.Scenarios.Collections;
using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.Scenarios;

/// <summary>Scenario `svm-smoke`: a real-mode guest runs under SVM with nested paging; its port
/// writes and CPUID reach the kernel as exits, CPUID follows the kernel's table (no SVM,
/// hypervisor bit set), its SSE registers survive the kernel running between exits, and it
/// halts.</summary>
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
        ScenarioAssert.Line(run, "INFO", "svm", "^guest CPUID leaf 0x0*80000001$", "the guest's CPUID exit for leaf 8000_0001h");
        ulong extended = ScenarioAssert.ParseHex(ScenarioAssert.Line(run, "INFO", "svm", $"^guest wrote ({Hex}) to port 0x0*81$", "CPUID 8000_0001h ECX as the guest saw it").Groups[1].Value);
        ScenarioAssert.True(run, (extended & 0x4) == 0, $"the guest sees no SVM (CPUID 8000_0001h ECX bit 2 clear; low byte 0x{extended:x2})");
        ulong leaf1 = ScenarioAssert.ParseHex(ScenarioAssert.Line(run, "INFO", "svm", $"^guest wrote ({Hex}) to port 0x0*82$", "CPUID 1 ECX[31:24] as the guest saw it").Groups[1].Value);
        ScenarioAssert.True(run, (leaf1 & 0x80) != 0, $"the guest sees the hypervisor-present bit (CPUID 1 ECX bit 31; high byte 0x{leaf1:x2})");
        ScenarioAssert.Line(run, "INFO", "svm", "^guest XMM0 saved at the exit: 0x0*a5a5a5a5$", "the guest's SSE state saved at its exit");
        ScenarioAssert.Line(run, "INFO", "svm", "^guest wrote 0x0*a5 to port 0x0*84$", "the guest reading back its own XMM0 after the kernel ran in between");
        ScenarioAssert.Line(run, "INFO", "svm", @"^guest halted after 9 exits$", "the guest halting after exactly its 9 exits");
        ScenarioAssert.Line(run, "INFO", "boot", "^done$", "the end of the boot");
        ScenarioAssert.Exit(run, QemuExit.Pass);
    }
}
