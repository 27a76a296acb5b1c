using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.HarnessTests;

public sealed class QemuExitCodesTests
{
    [Theory]
    [InlineData(33, QemuExit.Pass)]
    [InlineData(35, QemuExit.Panic)]
    [InlineData(124, QemuExit.Timeout)]
    [InlineData(0, QemuExit.Shutdown)]
    [InlineData(1, QemuExit.Error)]
    [InlineData(37, QemuExit.Error)]
    public void Exit_codes_map_to_their_protocol_meaning(int code, QemuExit expected)
    {
        Assert.Equal(expected, QemuExitCodes.Classify(code, timedOut: false));
    }

    [Fact]
    public void A_run_stopped_by_the_harness_is_a_timeout_whatever_the_code()
    {
        Assert.Equal(QemuExit.Timeout, QemuExitCodes.Classify(-9, timedOut: true));
    }
}
