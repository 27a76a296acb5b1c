using System;
using Redoubt.Kernel.Diagnostics;

namespace Redoubt.Kernel.X64.Console;

// The kernel's log sink: COM1, or COM2 once Dom0 owns COM1 (MoveTo). Lines end in CR LF so a
// raw terminal shows them unbroken.
internal struct SerialConsole : ILogSink
{
    private static bool s_ready;
    private static ushort s_port = SerialPort.Com1;

    public static ushort Port => s_port;

    // From now on the log goes to this UART.
    public static void MoveTo(ushort port)
    {
        SerialPort.Initialize(port);
        s_port = port;
        s_ready = true;
    }

    // CPUs write whole lines: a bounded spin on this lock (a CPU that panics while another holds
    // it still gets its line out, perhaps interleaved).
    // Safe: the lock word's address is taken with fixed on a static int that lives as long as
    // the kernel.
    private static int s_lock;

    public static unsafe void WriteLine(ReadOnlySpan<byte> line)
    {
        fixed (int* lockWord = &s_lock)
        {
            bool locked = false;
            for (int spin = 0; spin < 10_000_000 && !locked; spin++)
                locked = Cpu.Cpu.CompareExchange(lockWord, 1, 0) == 0;
            Write(line);
            if (locked)
                Cpu.SpinLock.Release(lockWord);
        }
    }

    private static void Write(ReadOnlySpan<byte> line)
    {
        // A failure can be reported before the boot path set the UART up: do it on first use.
        if (!s_ready)
        {
            SerialPort.Initialize(s_port);
            s_ready = true;
        }
        foreach (byte b in line)
            SerialPort.Write(s_port, b);
        SerialPort.Write(s_port, (byte)'\r');
        SerialPort.Write(s_port, (byte)'\n');
    }
}
