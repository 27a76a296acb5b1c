namespace Redoubt.Kernel.X64.Boot;

// QEMU's firmware configuration device (fw_cfg, I/O ports 0x510/0x511): how a test passes the
// UEFI image its command line ("-fw_cfg name=opt/org.redoubt/cmdline,string=..."). Absent on
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
        if (!Present())
            return false;
        Cpu.Cpu.OutWord(SelectorPort, FileDirectoryKey);
        uint count = ReadBigEndian(4);
        for (uint entry = 0; entry < count; entry++)
        {
            uint size = ReadBigEndian(4);
            ushort selector = (ushort)ReadBigEndian(2);
            ReadBigEndian(2);
            bool matches = true;
            for (int i = 0; i < 56; i++)
            {
                byte b = Cpu.Cpu.InByte(DataPort);
                byte expected = i < name.Length ? name[i] : (byte)0;
                if (b != expected)
                    matches = false;
            }
            if (!matches)
                continue;
            Cpu.Cpu.OutWord(SelectorPort, selector);
            for (uint i = 0; i < size; i++)
                info.AppendCommandLine(Cpu.Cpu.InByte(DataPort));
            return true;
        }
        return false;
    }

    private static uint ReadBigEndian(int bytes)
    {
        uint value = 0;
        for (int i = 0; i < bytes; i++)
            value = (value << 8) | Cpu.Cpu.InByte(DataPort);
        return value;
    }
}
