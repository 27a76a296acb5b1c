using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit.Sdk;

namespace Redoubt.Scenarios.Harness;

/// <summary>Assertions on a QEMU run whose failure messages show how the run ended and the
/// console's last lines, so a developer sees what the kernel did without rerunning it.</summary>
public static class ScenarioAssert
{
    /// <summary>An address or machine value: `0x` and 16 hex digits.</summary>
    public const string Hex = "0x[0-9a-fA-F]{16}";

    /// <summary>Checks how every panic ends: the first `[PANIC]` line is from
    /// <paramref name="subsystem"/> and matches <paramref name="reasonPattern"/>, a `rip` it
    /// captures is not zero, the last line is `[PANIC] system: halted`, and QEMU exits with the
    /// panic code. Returns the first panic line's match.</summary>
    public static Match Panic(QemuResult run, string subsystem, string reasonPattern, string reason)
    {
        LogLine? first = run.Log.Entries.FirstOrDefault(e => e.Level == "PANIC");
        if (first is null)
            Fail(run, $"a panic ({reason}), but the kernel printed no [PANIC] line.");
        Match m = Regex.Match(first.Message, reasonPattern);
        if (first.Subsystem != subsystem || !m.Success)
            Fail(run, $"the first [PANIC] line to give the reason ({reason}) as `[PANIC] {subsystem}: ...` matching /{reasonPattern}/, but it is `{first}`.");
        if (m.Groups["rip"].Success && ParseHex(m.Groups["rip"].Value) == 0)
            Fail(run, $"a non-zero rip in `{first}`.");
        string last = run.Log.Tail(1).FirstOrDefault() ?? "";
        if (last != "[PANIC] system: halted")
            Fail(run, $"`[PANIC] system: halted` as the last console line, but it is `{last}`.");
        Exit(run, QemuExit.Panic);
        return m;
    }

    /// <summary>Checks that the kernel announced <paramref name="scenario"/> before its first
    /// panic, so the panic comes from the scenario and not from the boot before it.</summary>
    public static void ScenarioStartedBeforePanic(QemuResult run, string scenario)
    {
        string announcement = $"running scenario {scenario}";
        LogLine? started = run.Log.Find("INFO", "selftest").FirstOrDefault(l => l.Message == announcement);
        if (started is null)
            Fail(run, $"`[INFO] selftest: {announcement}` before the panic.");
        LogLine? panic = run.Log.Entries.FirstOrDefault(e => e.Level == "PANIC");
        if (panic is not null && panic.LineNumber < started.LineNumber)
            Fail(run, $"the panic after `[INFO] selftest: {announcement}`, but `{panic}` came first.");
    }

    public static void Exit(QemuResult run, QemuExit expected)
    {
        if (run.Exit != expected)
            Fail(run, $"QEMU to exit with {expected} (exit code {ExpectedCode(expected)}), but it ended with {run.Exit} (exit code {run.ExitCode}).");
    }

    /// <summary>Finds the first log line of <paramref name="level"/> and <paramref name="subsystem"/>
    /// whose message matches <paramref name="messagePattern"/>.</summary>
    public static Match Line(QemuResult run, string level, string subsystem, string messagePattern, string what) =>
        LineAndMatch(run, level, subsystem, messagePattern, what).Match;

    /// <summary>Like <see cref="Line"/>, also returning the line (for its position).</summary>
    public static (LogLine Line, Match Match) LineAndMatch(QemuResult run, string level, string subsystem, string messagePattern, string what)
    {
        var regex = new Regex(messagePattern);
        foreach (LogLine line in run.Log.Find(level, subsystem))
        {
            Match m = regex.Match(line.Message);
            if (m.Success)
                return (line, m);
        }
        throw Failure(run, $"{what}: a line `[{level}] {subsystem}: ...` whose message matches /{messagePattern}/.");
    }

    public static void NoLine(QemuResult run, string level, string what)
    {
        LogLine? line = run.Log.Entries.FirstOrDefault(e => e.Level == level);
        if (line is not null)
            Fail(run, $"{what}, but line {line.LineNumber + 1} is `{line}`.");
    }

    public static void True(QemuResult run, bool condition, string what)
    {
        if (!condition)
            Fail(run, what);
    }

    [DoesNotReturn]
    public static void Fail(QemuResult run, string expectation) => throw Failure(run, expectation);

    /// <summary>The assertion failure: what was expected, how the run ended, the console's tail.</summary>
    public static XunitException Failure(QemuResult run, string expectation) =>
        new($"Expected {expectation}\n{run.Describe()}");

    public static ulong ParseHex(string value) =>
        ulong.Parse(value.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static string ExpectedCode(QemuExit exit) => exit switch
    {
        QemuExit.Pass => QemuExitCodes.Pass.ToString(CultureInfo.InvariantCulture),
        QemuExit.Panic => QemuExitCodes.Panic.ToString(CultureInfo.InvariantCulture),
        QemuExit.Timeout => QemuExitCodes.Timeout.ToString(CultureInfo.InvariantCulture),
        QemuExit.Shutdown => "0",
        _ => "other",
    };
}
