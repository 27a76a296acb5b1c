namespace Redoubt.Scenarios.Harness;

/// <summary>One kernel log line, `[LEVEL] subsystem: message`, and where it was on the console.</summary>
public sealed record LogLine(string Level, string Subsystem, string Message, int LineNumber)
{
    public override string ToString() => $"[{Level}] {Subsystem}: {Message}";
}
