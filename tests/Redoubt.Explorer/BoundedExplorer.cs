using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks;
using Redoubt.Abi;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Hypercalls;

namespace Redoubt.Explorer;

// Runs every sequence of calls from the alphabet up to a depth, breadth first, from a fresh
// machine, through the kernel's own dispatch. States are identified by StateDigest (all kernel
// state, bit for bit); a state seen before is not expanded again. Checked:
//   - after a failing call, the digest is unchanged (a failed hypercall changes nothing);
//   - every distinct state reached satisfies InvariantChecker (INV-1..INV-8). The invariants
//     are a function of the state the digest covers, so this is the check after every step;
//   - no call throws (the kernel answers with a status, never a panic).
// Deterministic: levels are expanded in parallel, but merged in (state, call) order, so the
// counts and the reported sequence do not depend on scheduling. A state is copied by replaying
// its sequence on a fresh machine; failing calls change nothing, so they run one after another
// on the same copy, and only a call that changed the state costs a replay.
public sealed class BoundedExplorer
{
    private readonly IReadOnlyList<Call> _alphabet;
    private readonly Func<KernelCore<ArrayPhysicalMemory>> _createMachine;
    private readonly int _threads;

    // Every distinct state: the state it was first reached from and the call that reached it.
    private readonly List<int> _parent = new();
    private readonly List<int> _letter = new();
    private readonly List<UInt128> _digest = new();
    private readonly HashSet<UInt128> _seen = new();

    public BoundedExplorer(IReadOnlyList<Call> alphabet, Func<KernelCore<ArrayPhysicalMemory>> createMachine, int threads = 0)
    {
        _alphabet = alphabet;
        _createMachine = createMachine;
        _threads = threads > 0 ? threads : Environment.ProcessorCount;
    }

    public ExplorationReport Run(int depth, Action<LevelReport>? onLevel = null)
    {
        var clock = Stopwatch.StartNew();
        _parent.Clear();
        _letter.Clear();
        _digest.Clear();
        _seen.Clear();
        var levels = new List<LevelReport>();
        long transitions = 0;

        KernelCore<ArrayPhysicalMemory> initial = _createMachine();
        string? initialViolation = CheckInvariants(initial);
        UInt128 initialDigest = DigestOf(initial);
        AddState(-1, -1, initialDigest);
        if (initialViolation is not null)
            return Finish(0, new Violation(initialViolation, []));

        var frontier = new List<int> { 0 };
        for (int level = 1; level <= depth && frontier.Count > 0; level++)
        {
            var outcomes = new Outcome[frontier.Count];
            var invariantViolations = new ConcurrentDictionary<UInt128, string?>();
            Parallel.For(0, frontier.Count, new ParallelOptions { MaxDegreeOfParallelism = _threads },
                i => outcomes[i] = Expand(frontier[i], invariantViolations));

            var next = new List<int>();
            Violation? violation = null;
            for (int i = 0; i < outcomes.Length && violation is null; i++)
            {
                transitions += outcomes[i].Transitions;
                foreach (Event e in outcomes[i].Events)
                {
                    if (e.Message is not null)
                    {
                        violation = new Violation(e.Message, SequenceTo(frontier[i], e.Letter));
                        break;
                    }
                    if (!_seen.Contains(e.Digest))
                    {
                        int state = AddState(frontier[i], e.Letter, e.Digest);
                        next.Add(state);
                        if (invariantViolations.TryGetValue(e.Digest, out string? broken) && broken is not null)
                        {
                            violation = new Violation(broken, SequenceTo(state));
                            break;
                        }
                    }
                }
            }
            var report = new LevelReport(level, next.Count, _seen.Count, transitions, clock.Elapsed);
            levels.Add(report);
            onLevel?.Invoke(report);
            if (violation is not null)
                return Finish(level, violation);
            frontier = next;
        }
        return Finish(levels.Count, null);

        ExplorationReport Finish(int reached, Violation? violation) =>
            new ExplorationReport(reached, _seen.Count, transitions, clock.Elapsed, levels, violation);
    }

    // What one state's expansion found, in alphabet order: successors not seen in earlier levels
    // (Message null) and violations by a single call (Message set).
    private readonly record struct Event(int Letter, UInt128 Digest, string? Message);

    private sealed record Outcome(List<Event> Events, long Transitions);

    private Outcome Expand(int state, ConcurrentDictionary<UInt128, string?> invariantViolations)
    {
        var events = new List<Event>();
        UInt128 before = _digest[state];
        List<int> path = PathTo(state);
        KernelCore<ArrayPhysicalMemory> core = Replay(path, before, verify: true);
        for (int letter = 0; letter < _alphabet.Count; letter++)
        {
            Call call = _alphabet[letter];
            HypercallResult result;
            UInt128 after;
            try
            {
                result = call.IssueTo(core);
                after = DigestOf(core);
            }
            catch (Exception exception)
            {
                events.Add(new Event(letter, default, $"{call} threw {exception.GetType().Name}: {exception.Message}"));
                core = Replay(path, before);
                continue;
            }
            if (after == before)
                continue;
            if (result.Status != HypercallStatus.Success)
            {
                events.Add(new Event(letter, after, $"{call} failed with {result.Status} but changed the state"));
                core = Replay(path, before);
                continue;
            }
            if (!_seen.Contains(after))
            {
                if (!invariantViolations.ContainsKey(after))
                    invariantViolations[after] = CheckInvariants(core);
                events.Add(new Event(letter, after, null));
            }
            core = Replay(path, before);
        }
        return new Outcome(events, _alphabet.Count);
    }

    // A copy of a state: its sequence replayed on a fresh machine. Checked to reach the recorded
    // digest once per expansion (the kernel must be deterministic for the search to mean anything).
    private KernelCore<ArrayPhysicalMemory> Replay(List<int> path, UInt128 expected, bool verify = false)
    {
        KernelCore<ArrayPhysicalMemory> core = _createMachine();
        foreach (int letter in path)
            _alphabet[letter].IssueTo(core);
        if (verify && DigestOf(core) != expected)
            throw new InvalidOperationException("replaying a sequence reached another state: the kernel is not deterministic");
        return core;
    }

    private static string? CheckInvariants(KernelCore<ArrayPhysicalMemory> core)
    {
        try
        {
            List<string> broken = InvariantChecker.Check(core);
            return broken.Count == 0 ? null : string.Join("; ", broken);
        }
        catch (Exception exception)
        {
            return $"the invariant checker threw {exception.GetType().Name}: {exception.Message}";
        }
    }

    // The first 128 bits of the SHA-256 state digest.
    private static UInt128 DigestOf(KernelCore<ArrayPhysicalMemory> core) =>
        UInt128.Parse(StateDigest.Of(core).AsSpan(0, 32), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private int AddState(int parent, int letter, UInt128 digest)
    {
        _parent.Add(parent);
        _letter.Add(letter);
        _digest.Add(digest);
        _seen.Add(digest);
        return _digest.Count - 1;
    }

    private List<int> PathTo(int state)
    {
        var path = new List<int>();
        for (int s = state; _parent[s] >= 0; s = _parent[s])
            path.Add(_letter[s]);
        path.Reverse();
        return path;
    }

    private List<Call> SequenceTo(int state, int lastLetter = -1)
    {
        var calls = new List<Call>();
        foreach (int letter in PathTo(state))
            calls.Add(_alphabet[letter]);
        if (lastLetter >= 0)
            calls.Add(_alphabet[lastLetter]);
        return calls;
    }
}
