using System.Threading.Tasks;
using Redoubt.Scenarios.Collections;
using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.Scenarios;

/// <summary>Scenarios `svm-outside-memory` and `svm-triple-fault`: a guest that touches memory it
/// does not have is stopped, a guest that triple-faults dies, and in both cases the hypervisor
/// goes on and runs the next guest to completion.</summary>
[Collection(SvmCollection.Name)]
public sealed class SvmFaultIsolationTests(RedoubtImages images)
{
    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task Guest_outside_its_memory_is_stopped_and_the_hypervisor_goes_on(BootPath path) =>
        AssertEndsAloneThenNextGuestRuns(await images.BootAsync(path, "svm-outside-memory"),
            "^VM stopped: nested page fault at guest-physical 0x0*20000, rip 0x[0-9a-f]{16}; the hypervisor goes on$",
            "the VM stopped on its nested page fault");

    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task Triple_faulting_guest_dies_alone(BootPath path) =>
        AssertEndsAloneThenNextGuestRuns(await images.BootAsync(path, "svm-triple-fault"),
            "^VM died: shutdown \\(triple fault\\) at rip 0x[0-9a-f]{16}; the hypervisor goes on$",
            "the VM's death by triple fault");

    private static void AssertEndsAloneThenNextGuestRuns(QemuResult run, string endPattern, string what)
    {
        var ended = ScenarioAssert.LineAndMatch(run, "WARN", "svm", endPattern, what);
        var next = ScenarioAssert.LineAndMatch(run, "INFO", "svm", "^guest halted after 9 exits$", "the next guest running to completion");
        ScenarioAssert.True(run, next.Line.LineNumber > ended.Line.LineNumber, "the next guest runs after the one that ended");
        ScenarioAssert.Line(run, "INFO", "boot", "^done$", "the end of the boot");
        ScenarioAssert.Exit(run, QemuExit.Pass);
    }
}
