using System;
using Redoubt.Kernel.Diagnostics;

namespace Redoubt.Kernel.X64.Console;

// The kernel's log sink: COM1. Lines end in CR LF so a raw terminal shows them unbroken.
internal struct SerialConsole : ILogSink
{
    public static void WriteLine(ReadOnlySpan<byte> line)
    {
        foreach (byte b in line)
            SerialPort.Write(SerialPort.Com1, b);
        SerialPort.Write(SerialPort.Com1, (byte)'\r');
        SerialPort.Write(SerialPort.Com1, (byte)'\n');
    }
}
