using System.Text;
using Redoubt.Kernel.Boot;
using Xunit;

namespace Redoubt.Kernel.Tests.Boot;

public class BootCommandLineTests
{
    [Theory]
    [InlineData("redoubt.scenario=throw", "throw")]
    [InlineData("  console=ttyS0 redoubt.scenario=boot\n", "boot")]
    [InlineData("redoubt.scenario=a redoubt.scenario=b", "a")]
    [InlineData("xredoubt.scenario=a", "")]
    [InlineData("redoubt.scenario", "")]
    [InlineData("redoubt.scenarios=a", "")]
    [InlineData("redoubt.scenario=", "")]
    [InlineData("", "")]
    public void FindsTheFirstValueOfAKey(string commandLine, string expected)
    {
        var value = BootCommandLine.Value(Encoding.ASCII.GetBytes(commandLine), ScenarioNames.Key);
        Assert.Equal(expected, Encoding.ASCII.GetString(value));
    }

    [Fact]
    public void EveryScenarioNameParsesBackToItself()
    {
        foreach (Scenario scenario in ScenarioNames.All)
            Assert.Equal(scenario, ScenarioNames.Parse(ScenarioNames.Of(scenario)));
    }

    [Fact]
    public void AbsentNameIsBootAndUnknownNameIsUnknown()
    {
        Assert.Equal(Scenario.Boot, ScenarioNames.Parse(default));
        Assert.Equal(Scenario.Unknown, ScenarioNames.Parse("bogus"u8));
        Assert.Equal(Scenario.Unknown, ScenarioNames.Parse("throwx"u8));
    }
}
