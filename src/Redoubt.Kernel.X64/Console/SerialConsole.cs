using System;
using Redoubt.Kernel.Diagnostics;

namespace Redoubt.Kernel.X64.Console;

// The kernel's log sink: COM1. Lines end in CR LF so a raw terminal shows them unbroken.
internal struct SerialConsole : ILogSink
{
    private static bool s_ready;

    public static void WriteLine(ReadOnlySpan<byte> line)
    {
        // A failure can be reported before the boot path set the UART up: do it on first use.
        if (!s_ready)
        {
            SerialPort.Initialize(SerialPort.Com1);
            s_ready = true;
        }
        foreach (byte b in line)
            SerialPort.Write(SerialPort.Com1, b);
        SerialPort.Write(SerialPort.Com1, (byte)'\r');
        SerialPort.Write(SerialPort.Com1, (byte)'\n');
    }
}
