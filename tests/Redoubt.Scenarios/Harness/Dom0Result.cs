using System;
using System.Text.RegularExpressions;

namespace Redoubt.Scenarios.Harness;

/// <summary>How a Dom0 run ended: QEMU's exit, Dom0's console (COM1) and Redoubt's log (COM2,
/// with the lines Redoubt wrote on COM1 before Dom0 took it).</summary>
public sealed record Dom0Result(string Label, QemuExit Exit, int ExitCode, string Console, string RedoubtLog, string QemuOutput, TimeSpan WallTime)
{
    /// <summary>Every "DOM0-TEST name key=value" the self-test printed, as key -> value.</summary>
    public string? TestValue(string test, string key)
    {
        Match match = Regex.Match(Console, $@"^DOM0-TEST {Regex.Escape(test)} {Regex.Escape(key)}=(\S*)\r?$", RegexOptions.Multiline);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>The value of a "key: value" line on the console (redoubtctl info).</summary>
    public string? InfoValue(string key)
    {
        Match match = Regex.Match(Console, $@"^{Regex.Escape(key)}: (.*?)\r?$", RegexOptions.Multiline);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>All of it, for assertion messages.</summary>
    public string Describe() =>
        $"{Label}: QEMU exit {ExitCode} ({Exit}) after {WallTime.TotalSeconds:0.0} s\n--- Dom0 console (COM1) ---\n{Tail(Console)}\n--- Redoubt log ---\n{Tail(RedoubtLog)}\n--- QEMU ---\n{QemuOutput}";

    private static string Tail(string text) => text.Length <= 6000 ? text : "...\n" + text[^6000..];
}
