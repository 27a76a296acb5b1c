using System;
using Redoubt.Kernel.Diagnostics;

namespace Redoubt.Kernel.X64.Console;

// Usage: Log.Info("memory"u8).Text("regions: "u8).Decimal(n).End();
internal static class Log
{
    public static LogLine<SerialConsole> Debug(ReadOnlySpan<byte> subsystem) => new(LogLevel.Debug, subsystem);

    public static LogLine<SerialConsole> Info(ReadOnlySpan<byte> subsystem) => new(LogLevel.Info, subsystem);

    public static LogLine<SerialConsole> Warn(ReadOnlySpan<byte> subsystem) => new(LogLevel.Warn, subsystem);

    public static LogLine<SerialConsole> Error(ReadOnlySpan<byte> subsystem) => new(LogLevel.Error, subsystem);

    public static LogLine<SerialConsole> Panic(ReadOnlySpan<byte> subsystem) => new(LogLevel.Panic, subsystem);
}
