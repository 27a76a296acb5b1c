namespace Redoubt.Kernel.X64.Boot;

// QEMU's firmware configuration device (fw_cfg, I/O ports 0x510/0x511): how a test passes the
// UEFI image its command line ("-fw_cfg name=opt/org.redoubt/cmdline,string=...") and the
// guest-image archive ("-fw_cfg name=opt/org.redoubt/guests,file=..."). Absent on
// hardware: the signature check fails and nothing is read.
internal static class FirmwareConfig
{
    private const ushort SelectorPort = 0x510, DataPort = 0x511;
    private const ushort SignatureKey = 0x0000, FileDirectoryKey = 0x0019;

    public static bool Present()
    {
        Cpu.Cpu.OutWord(SelectorPort, SignatureKey);
        return Cpu.Cpu.InByte(DataPort) == (byte)'Q' && Cpu.Cpu.InByte(DataPort) == (byte)'E'
            && Cpu.Cpu.InByte(DataPort) == (byte)'M' && Cpu.Cpu.InByte(DataPort) == (byte)'U';
    }

    // Appends the named file's bytes to the command line; false when there is no such file.
    public static bool ReadFileInto(System.ReadOnlySpan<byte> name, BootInfo info)
    {
        if (!Find(name, out ushort selector, out uint size))
            return false;
        Cpu.Cpu.OutWord(SelectorPort, selector);
        for (uint i = 0; i < size; i++)
            info.AppendCommandLine(Cpu.Cpu.InByte(DataPort));
        return true;
    }

    // The named file's selector and size, from the file directory; false when absent.
    public static bool Find(System.ReadOnlySpan<byte> name, out ushort selector, out uint size)
    {
        selector = 0;
        size = 0;
        if (!Present())
            return false;
        Cpu.Cpu.OutWord(SelectorPort, FileDirectoryKey);
        uint count = ReadBigEndian(4);
        for (uint entry = 0; entry < count; entry++)
        {
            uint entrySize = ReadBigEndian(4);
            ushort entrySelector = (ushort)ReadBigEndian(2);
            ReadBigEndian(2);
            bool matches = true;
            for (int i = 0; i < 56; i++)
            {
                byte b = Cpu.Cpu.InByte(DataPort);
                byte expected = i < name.Length ? name[i] : (byte)0;
                if (b != expected)
                    matches = false;
            }
            if (matches)
            {
                selector = entrySelector;
                size = entrySize;
                return true;
            }
        }
        return false;
    }

    // Reads a file found by Find into destination (its first destination.Length bytes).
    public static void Read(ushort selector, System.Span<byte> destination)
    {
        Cpu.Cpu.OutWord(SelectorPort, selector);
        for (int i = 0; i < destination.Length; i++)
            destination[i] = Cpu.Cpu.InByte(DataPort);
    }

    private static uint ReadBigEndian(int bytes)
    {
        uint value = 0;
        for (int i = 0; i < bytes; i++)
            value = (value << 8) | Cpu.Cpu.InByte(DataPort);
        return value;
    }
}
