using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace Redoubt.Scenarios.Harness;

/// <summary>The serial console of one run, split into lines and parsed into kernel log lines.
/// Firmware output (SeaBIOS, OVMF) shares the console: terminal escape sequences are stripped,
/// and a kernel line is recognised wherever `[LEVEL] subsystem: ` starts on a line, because the
/// firmware may leave the cursor mid-line before the kernel's first line.</summary>
public sealed partial class ConsoleLog
{
    public ConsoleLog(string raw)
    {
        Raw = raw;
        Lines = Clean(raw).Split('\n');
        var entries = new List<LogLine>();
        for (int i = 0; i < Lines.Count; i++)
        {
            Match m = LogLinePattern().Match(Lines[i]);
            if (m.Success)
                entries.Add(new LogLine(m.Groups["level"].Value, m.Groups["subsystem"].Value, m.Groups["message"].Value, i));
        }
        Entries = entries;
    }

    /// <summary>Exactly what QEMU wrote to the serial log.</summary>
    public string Raw { get; }

    /// <summary>Console lines without escape sequences, carriage returns or other control characters.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>The kernel's log lines, in order.</summary>
    public IReadOnlyList<LogLine> Entries { get; }

    public IEnumerable<LogLine> Find(string level, string subsystem) =>
        Entries.Where(e => e.Level == level && e.Subsystem == subsystem);

    /// <summary>The last <paramref name="count"/> non-empty console lines.</summary>
    public IReadOnlyList<string> Tail(int count)
    {
        string[] nonEmpty = Lines.Where(l => l.Length > 0).ToArray();
        return nonEmpty.Skip(Math.Max(0, nonEmpty.Length - count)).ToArray();
    }

    /// <summary>A line in the log format: `[LEVEL] subsystem: message`, starting at column 0.</summary>
    public static bool IsWellFormed(string line) => WellFormedPattern().IsMatch(line);

    private static string Clean(string raw)
    {
        string text = EscapeSequence().Replace(raw, "");
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c == '\n' || c == '\t' || !char.IsControl(c))
                sb.Append(c);
        }
        return sb.ToString().TrimEnd('\n');
    }

    [GeneratedRegex(@"\x1B(?:\[[0-?]*[ -/]*[@-~]|[@-~])")]
    private static partial Regex EscapeSequence();

    [GeneratedRegex(@"\[(?<level>DEBUG|INFO|WARN|ERROR|PANIC)\] (?<subsystem>[a-z0-9][a-z0-9_.-]*): (?<message>.*)$")]
    private static partial Regex LogLinePattern();

    [GeneratedRegex(@"^\[(DEBUG|INFO|WARN|ERROR|PANIC)\] [a-z0-9][a-z0-9_.-]*: \S.*$")]
    private static partial Regex WellFormedPattern();
}
