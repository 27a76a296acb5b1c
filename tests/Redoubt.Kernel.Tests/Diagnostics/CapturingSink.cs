using System;
using System.Collections.Generic;
using System.Text;
using Redoubt.Kernel.Diagnostics;

namespace Redoubt.Kernel.Tests.Diagnostics;

// Collects log lines of the current test thread.
public struct CapturingSink : ILogSink
{
    [ThreadStatic] private static List<string>? s_lines;

    public static List<string> Lines => s_lines ??= new List<string>();

    public static void WriteLine(ReadOnlySpan<byte> line) => Lines.Add(Encoding.ASCII.GetString(line));
}
