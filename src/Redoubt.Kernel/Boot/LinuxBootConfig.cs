namespace Redoubt.Kernel.Boot;

// Where a loader has put (or will put) a Linux guest's pieces in guest-physical memory, for
// LinuxBootParams.Build. The command line is CommandLineLength bytes followed by a zero byte at
// CommandLineAddress. RamdiskSize 0 means no initrd (RamdiskAddress is then ignored);
// AcpiRsdpAddress 0 means none is passed.
public readonly struct LinuxBootConfig
{
    public LinuxBootConfig(ulong kernelAddress, ulong commandLineAddress, uint commandLineLength,
        ulong ramdiskAddress, ulong ramdiskSize, ulong acpiRsdpAddress)
    {
        KernelAddress = kernelAddress;
        CommandLineAddress = commandLineAddress;
        CommandLineLength = commandLineLength;
        RamdiskAddress = ramdiskAddress;
        RamdiskSize = ramdiskSize;
        AcpiRsdpAddress = acpiRsdpAddress;
    }

    // Where the protected-mode code is loaded; the 64-bit entry is this plus 0x200.
    public ulong KernelAddress { get; }
    public ulong CommandLineAddress { get; }
    // Without the terminating zero.
    public uint CommandLineLength { get; }
    public ulong RamdiskAddress { get; }
    public ulong RamdiskSize { get; }
    public ulong AcpiRsdpAddress { get; }
}
