using System;
using System.Diagnostics;
using System.Linq;
using CsCheck;
using Xunit;
using Xunit.Abstractions;

namespace Redoubt.Kernel.Tests.Model;

// Random hypercall sequences (with Dom0 writing its own memory in between) on the real kernel and
// on the reference model, compared after every step: status and result registers, frame counts,
// VMs, vCPUs, capabilities, and every visible frame's owner, guest page and content. The kernel
// side also checks the invariants after every step and that a failed call left the state digest
// unchanged. A failing sequence is cut at its first differing step and minimized (ModelRun); CsCheck
// meanwhile samples for shorter failing sequences and reports the smallest it found, with the
// seed that reproduces it (CsCheck_Seed). REDOUBT_MODEL_SECONDS sets how long it samples
// (default 30).
[Collection(ModelCollection.Name)]
public class ModelBasedTests
{
    private readonly ITestOutputHelper _output;

    public ModelBasedTests(ITestOutputHelper output) { _output = output; }

    [Fact]
    public void RandomHypercallSequencesBehaveAsTheReferenceModelPredicts()
    {
        int seconds = int.TryParse(Environment.GetEnvironmentVariable("REDOUBT_MODEL_SECONDS"), out int s) && s > 0 ? s : 30;
        long steps = 0;
        var clock = Stopwatch.StartNew();
        StepGenerators.Sequences.Sample(
            sequence =>
            {
                ModelRun.Check(sequence);
                System.Threading.Interlocked.Add(ref steps, sequence.Length);
            },
            writeLine: _output.WriteLine,
            time: seconds,
            print: ModelRun.Print);
        _output.WriteLine($"{steps} steps checked against the model in {clock.Elapsed.TotalSeconds:F1} s; outcomes:");
        foreach (var (outcome, count) in ModelRun.Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal))
            _output.WriteLine($"  {outcome}: {count}");
    }
}
