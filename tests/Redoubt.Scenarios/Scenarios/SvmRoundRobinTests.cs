using System.Threading.Tasks;
using Redoubt.Scenarios.Collections;
using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.Scenarios;

/// <summary>Scenario `svm-round-robin`: a guest that spins forever cannot starve another; the
/// local APIC timer takes the CPU back and the kernel switches guests round-robin.</summary>
[Collection(SvmCollection.Name)]
public sealed class SvmRoundRobinTests(RedoubtImages images)
{
    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task Spinning_guest_does_not_starve_another(BootPath path)
    {
        QemuResult run = await images.BootAsync(path, "svm-round-robin");

        ScenarioAssert.Line(run, "INFO", "sched", "^two guests, round-robin on the local APIC timer: guest 1 spins, guest 2 counts$", "the scheduler's start");
        for (int count = 5; count >= 1; count--)
            ScenarioAssert.Line(run, "INFO", "sched", $"^guest 2 wrote 0x0*{count} to port 0x0*80$", $"guest 2's count {count}");
        var halted = ScenarioAssert.Line(run, "INFO", "sched", @"^guest 2 halted while guest 1 spins; (\d+) timer preemptions, (\d+) ticks$", "guest 2 finishing while guest 1 spins");
        ScenarioAssert.True(run, int.Parse(halted.Groups[1].Value) >= 1, "at least one timer preemption took the CPU from the spinning guest");
        ScenarioAssert.Line(run, "INFO", "boot", "^done$", "the end of the boot");
        ScenarioAssert.Exit(run, QemuExit.Pass);
    }
}
