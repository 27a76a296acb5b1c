namespace Redoubt.Kernel.Diagnostics;

public enum LogLevel
{
    Debug,
    Info,
    Warn,
    Error,
    Panic,
}
