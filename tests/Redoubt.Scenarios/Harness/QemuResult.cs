using System;
using System.Globalization;
using System.Text;

namespace Redoubt.Scenarios.Harness;

/// <summary>How one QEMU run ended and what it printed.</summary>
public sealed class QemuResult
{
    private readonly Lazy<ConsoleLog> log;

    public QemuResult(string label, QemuExit exit, int exitCode, string console, string qemuOutput, TimeSpan wallTime, int processId, string runDirectory)
    {
        Label = label;
        Exit = exit;
        ExitCode = exitCode;
        Console = console;
        QemuOutput = qemuOutput;
        WallTime = wallTime;
        ProcessId = processId;
        RunDirectory = runDirectory;
        log = new Lazy<ConsoleLog>(() => new ConsoleLog(console));
    }

    /// <summary>What was run, e.g. "uefi, scenario 'boot'".</summary>
    public string Label { get; }

    public QemuExit Exit { get; }

    /// <summary>QEMU's exit code; 124 when the harness stopped it for taking too long.</summary>
    public int ExitCode { get; }

    /// <summary>Everything written to COM1 (firmware and kernel).</summary>
    public string Console { get; }

    /// <summary>QEMU's own stdout and stderr (errors about options, files, devices).</summary>
    public string QemuOutput { get; }

    public TimeSpan WallTime { get; }

    /// <summary>The id of the process the harness started (it is gone when the result exists).</summary>
    public int ProcessId { get; }

    /// <summary>The run's private temp directory (console log, ESP, variable store); deleted
    /// before the result is returned.</summary>
    public string RunDirectory { get; }

    public ConsoleLog Log => log.Value;

    /// <summary>A summary for assertion messages: how the run ended and the console's last lines.</summary>
    public string Describe(int tailLines = 30)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"QEMU run ({Label}): exit {ExitCode} ({Exit}) after {WallTime.TotalSeconds:0.0} s");
        sb.AppendLine();
        var tail = Log.Tail(tailLines);
        sb.AppendLine(tail.Count == 0 ? "console: (nothing was printed)" : $"console, last {tail.Count} lines:");
        foreach (string line in tail)
            sb.Append("  | ").AppendLine(line);
        if (QemuOutput.Trim().Length > 0)
            sb.AppendLine("QEMU said:").AppendLine(QemuOutput.Trim());
        return sb.ToString();
    }
}
