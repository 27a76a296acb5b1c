using System.Linq;
using Redoubt.Explorer;
using Xunit;
using Xunit.Abstractions;

namespace Redoubt.Kernel.Tests.Model;

// The bounded exhaustive explorer at a depth that runs in seconds: every sequence of up to
// Depth calls from the alphabet, invariants after every step, failed calls change nothing.
[Collection(ModelCollection.Name)]
public class ExplorerTests
{
    private const int Depth = 4;
    // States the explorer reaches at Depth with the current alphabet (3606), less a margin:
    // fewer means calls stopped succeeding or the alphabet shrank, and the test means less.
    private const int MinimumStates = 3300;

    private readonly ITestOutputHelper _output;

    public ExplorerTests(ITestOutputHelper output) { _output = output; }

    [Fact]
    public void EveryShortSequenceKeepsTheInvariantsAndFailedCallsChangeNothing()
    {
        var explorer = new BoundedExplorer(Alphabet.Calls, TinyMachine.Create);
        ExplorationReport report = explorer.Run(Depth, level => _output.WriteLine(
            $"depth {level.Depth}: {level.NewStates} new states, {level.TotalStates} in all, {level.Transitions} transitions, {level.Elapsed.TotalSeconds:F1} s"));
        _output.WriteLine($"explored {report.States} distinct states, {report.Transitions} transitions, depth {report.Depth}, {report.Elapsed.TotalSeconds:F1} s");

        Assert.True(report.Violation is null, report.Violation is null ? "" :
            report.Violation.Message + "\n" + string.Join("\n", report.Violation.Sequence.Select((call, i) => $"  {i + 1}. {call}")));
        Assert.Equal(Depth, report.Depth);
        Assert.True(report.States >= MinimumStates, $"only {report.States} states at depth {Depth}, expected at least {MinimumStates}");
    }
}
