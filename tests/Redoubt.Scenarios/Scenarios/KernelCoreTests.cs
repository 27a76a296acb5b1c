using System.Threading.Tasks;
using Redoubt.Scenarios.Collections;
using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.Scenarios;

/// <summary>Scenario `kernel-core`: the hypercall core runs in the image over real RAM, a VM's
/// life cycle succeeds, refused calls get their precise statuses, and destroy returns every
/// frame to Dom0.</summary>
[Collection(SvmCollection.Name)]
public sealed class KernelCoreTests(RedoubtImages images)
{
    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task Hypercall_core_runs_a_vm_life_cycle_in_the_image(BootPath path)
    {
        QemuResult run = await images.BootAsync(path, "kernel-core");

        var start = ScenarioAssert.Line(run, "INFO", "core", @"^kernel core over 4 MiB at 0x[0-9a-f]{16}: (\d+) Dom0 frames, \d+ free$", "the core's start");
        foreach (string step in new[] { "donate 16 pages: status 0", "load 1 page: status 0", "create vCPU: status 0", "finalize: status 0",
                     "load after finalize: status 6", "donate a hypervisor frame: status 7", "garbage hypercall: status 1",
                     "reclaim 4 pages: status 0", "destroy: status 0" })
            ScenarioAssert.Line(run, "INFO", "core", $"^{step} as expected$", step);
        ScenarioAssert.NoLine(run, "ERROR", "no unexpected status");
        ScenarioAssert.Line(run, "INFO", "core", $"^after destroy: {start.Groups[1].Value} Dom0 frames, 0 guest frames$", "every frame back with Dom0");
        ScenarioAssert.Exit(run, QemuExit.Pass);
    }
}
