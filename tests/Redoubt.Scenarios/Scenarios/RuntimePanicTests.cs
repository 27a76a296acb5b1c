using System.Threading.Tasks;
using Redoubt.Scenarios.Collections;
using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.Scenarios;

/// <summary>Scenarios whose fault a runtime check catches (throw helpers, `throw`): each ends in
/// a `runtime` panic that names the reason and the rip of the failing check.</summary>
[Collection(RuntimePanicCollection.Name)]
public sealed class RuntimePanicTests(RedoubtImages images)
{
    private const string Hex = ScenarioAssert.Hex;

    public static TheoryData<string, string, BootPath> Scenarios => new()
    {
        { "index-out-of-range", "index out of range", BootPath.Pvh },
        { "index-out-of-range", "index out of range", BootPath.Uefi },
        { "overflow", "arithmetic overflow", BootPath.Pvh },
        { "overflow", "arithmetic overflow", BootPath.Uefi },
        { "invalid-cast", "invalid cast", BootPath.Pvh },
        { "invalid-cast", "invalid cast", BootPath.Uefi },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_panics_with_its_reason_and_rip(string scenario, string reason, BootPath path)
    {
        QemuResult run = await images.BootAsync(path, scenario);

        ScenarioAssert.ScenarioStartedBeforePanic(run, scenario);
        ScenarioAssert.Panic(run, "runtime", $"^{reason} at rip=(?<rip>{Hex})$", reason);
    }

    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task Throw_panics_naming_the_exception_message(BootPath path)
    {
        QemuResult run = await images.BootAsync(path, "throw");

        ScenarioAssert.ScenarioStartedBeforePanic(run, "throw");
        ScenarioAssert.Panic(run, "runtime", $"^exception thrown at rip=(?<rip>{Hex}): scenario throw$", "the message \"scenario throw\"");
    }
}
