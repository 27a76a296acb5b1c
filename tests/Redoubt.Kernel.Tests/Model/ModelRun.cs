using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Text;
using Redoubt.Abi;
using Xunit.Sdk;

namespace Redoubt.Kernel.Tests.Model;

// Runs a step sequence on a fresh kernel and a fresh model side by side and stops at the first
// step whose observations differ (or that broke an invariant, or failed yet changed the state).
// A failing sequence is then cut after that step and minimized (steps removed one at a time for
// as long as it still fails) before it is reported, on top of CsCheck's own shrinking.
public static class ModelRun
{
    // How often each call ended with each status, over every run: shows which paths were covered.
    public static ConcurrentDictionary<string, long> Outcomes { get; } = new();

    public static void Check(IReadOnlyList<ModelStep> steps)
    {
        Failure? failure = FirstFailure(steps, count: true);
        if (failure is null)
            return;
        List<ModelStep> minimal = Minimize(steps, failure);
        Failure reported = FirstFailure(minimal, count: false)!;
        var text = new StringBuilder();
        text.Append($"a sequence of {steps.Count} steps failed at step {failure.Step + 1}; minimal failing sequence, {minimal.Count} steps from a fresh machine:");
        for (int j = 0; j < minimal.Count - 1; j++)
            text.Append($"\n  {j + 1}. {minimal[j]}");
        text.Append($"\n  {minimal.Count}. {minimal[^1]}\n     kernel: {reported.Kernel.Outcome}\n     model:  {reported.Model.Outcome}{reported.Diff}");
        throw new XunitException(text.ToString());
    }

    public static string Print(IReadOnlyList<ModelStep> steps)
    {
        var text = new StringBuilder($"{steps.Count} steps:");
        for (int i = 0; i < steps.Count; i++)
            text.Append($"\n  {i + 1}. {steps[i]}");
        return text.ToString();
    }

    private sealed record Failure(int Step, Observation Kernel, Observation Model, string Diff);

    private static Failure? FirstFailure(IReadOnlyList<ModelStep> steps, bool count)
    {
        var kernel = new KernelUnderTest();
        var model = new ReferenceModel();
        for (int i = 0; i < steps.Count; i++)
        {
            Observation seen = kernel.Apply(steps[i]);
            Observation predicted = model.Apply(steps[i]);
            string? diff = seen.Diff(predicted);
            if (diff is not null)
                return new Failure(i, seen, predicted, diff);
            if (count)
            {
                string name = steps[i].Call is { } call
                    ? (Enum.IsDefined((Hypercall)call.Number) ? ((Hypercall)call.Number).ToString() : "unknown number")
                    : "Dom0 write";
                Outcomes.AddOrUpdate($"{name} -> {seen.Outcome.Split(' ')[0]}", 1, (_, n) => n + 1);
            }
        }
        return null;
    }

    // Cut after the failing step, then drop single steps while some step still fails.
    private static List<ModelStep> Minimize(IReadOnlyList<ModelStep> steps, Failure failure)
    {
        var current = new List<ModelStep>();
        for (int i = 0; i <= failure.Step; i++)
            current.Add(steps[i]);
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int i = current.Count - 1; i >= 0; i--)
            {
                var candidate = new List<ModelStep>(current);
                candidate.RemoveAt(i);
                if (FirstFailure(candidate, count: false) is Failure shorter)
                {
                    current = candidate.GetRange(0, shorter.Step + 1);
                    i = Math.Min(i, current.Count);
                    changed = true;
                }
            }
        }
        return current;
    }
}
