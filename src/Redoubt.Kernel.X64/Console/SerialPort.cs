namespace Redoubt.Kernel.X64.Console;

// A 16550 UART driven by port I/O, 115200 baud 8N1, polled (no interrupts).
internal static class SerialPort
{
    public const ushort Com1 = 0x3F8, Com2 = 0x2F8;
    // The eight registers of a UART from its base port.
    public const ushort PortCount = 8;

    private const ushort Data = 0, InterruptEnable = 1, FifoControl = 2, LineControl = 3, ModemControl = 4, LineStatus = 5;
    private const byte TransmitterEmpty = 0x20;

    public static void Initialize(ushort port)
    {
        Cpu.Cpu.OutByte((ushort)(port + InterruptEnable), 0x00);
        Cpu.Cpu.OutByte((ushort)(port + LineControl), 0x80);   // divisor latch
        Cpu.Cpu.OutByte((ushort)(port + Data), 0x01);          // 115200 / 1
        Cpu.Cpu.OutByte((ushort)(port + InterruptEnable), 0x00);
        Cpu.Cpu.OutByte((ushort)(port + LineControl), 0x03);   // 8N1
        Cpu.Cpu.OutByte((ushort)(port + FifoControl), 0xC7);   // FIFO on, cleared
        Cpu.Cpu.OutByte((ushort)(port + ModemControl), 0x03);  // DTR, RTS
    }

    public static void Write(ushort port, byte value)
    {
        // Bounded wait: a missing UART must not hang the kernel.
        for (int spin = 0; spin < 100_000; spin++)
        {
            if ((Cpu.Cpu.InByte((ushort)(port + LineStatus)) & TransmitterEmpty) != 0)
                break;
        }
        Cpu.Cpu.OutByte((ushort)(port + Data), value);
    }
}
