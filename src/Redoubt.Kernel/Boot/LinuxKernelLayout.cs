namespace Redoubt.Kernel.Boot;

// What LinuxKernelImage.Parse learned from a valid bzImage: where its parts lie in the file and
// what the kernel asks of its loader. Invariants (for a layout Parse returned): the setup header
// [SetupHeaderOffset, SetupHeaderEnd) lies inside the setup code; the protected-mode code
// [ProtectedModeOffset, ProtectedModeOffset + ProtectedModeLength) is non-empty and ends at the
// end of the file; KernelAlignment is a power of two >= 4 KiB; InitSize >= ProtectedModeLength.
public readonly struct LinuxKernelLayout
{
    // Where the setup header starts, in the file and in boot_params alike.
    public const int SetupHeaderOffset = 0x1F1;
    // The 64-bit entry point is the protected-mode code's load address plus this
    // (boot protocol, "64-bit Boot Protocol").
    public const int Entry64Offset = 0x200;

    // xloadflags bits (0x236).
    public const ushort XlfKernel64 = 1 << 0, XlfCanBeLoadedAbove4G = 1 << 1;

    public LinuxKernelLayout(ushort protocolVersion, int setupHeaderEnd, int protectedModeOffset, int protectedModeLength,
        ulong preferredAddress, uint kernelAlignment, byte minAlignmentShift, uint initSize, uint commandLineSize,
        uint initrdAddressMax, byte loadFlags, ushort xLoadFlags)
    {
        ProtocolVersion = protocolVersion;
        SetupHeaderEnd = setupHeaderEnd;
        ProtectedModeOffset = protectedModeOffset;
        ProtectedModeLength = protectedModeLength;
        PreferredAddress = preferredAddress;
        KernelAlignment = kernelAlignment;
        MinAlignmentShift = minAlignmentShift;
        InitSize = initSize;
        CommandLineSize = commandLineSize;
        InitrdAddressMax = initrdAddressMax;
        LoadFlags = loadFlags;
        XLoadFlags = xLoadFlags;
    }

    // (major << 8) | minor, e.g. 0x020F for 2.15.
    public ushort ProtocolVersion { get; }
    // One past the header's last byte: 0x202 plus the jump offset at 0x201.
    public int SetupHeaderEnd { get; }
    public int SetupHeaderLength => SetupHeaderEnd - SetupHeaderOffset;
    // (setup_sects + 1) * 512: also the size of the real-mode part, which a 64-bit boot skips.
    public int ProtectedModeOffset { get; }
    // Everything after the setup code, as boot loaders copy it (syssize * 16 may be a little less).
    public int ProtectedModeLength { get; }
    // pref_address (0x258); zero when the kernel states none.
    public ulong PreferredAddress { get; }
    // kernel_alignment (0x230): the load address must be a multiple of it.
    public uint KernelAlignment { get; }
    // min_alignment (0x235), a power of two; zero when the kernel states none.
    public byte MinAlignmentShift { get; }
    // init_size (0x260): bytes from the load address the kernel uses before it reads the E820 map.
    public uint InitSize { get; }
    // cmdline_size (0x238): the longest command line, not counting its terminating zero.
    public uint CommandLineSize { get; }
    // initrd_addr_max (0x22C): the highest address the initrd may occupy (its last byte).
    public uint InitrdAddressMax { get; }
    // loadflags (0x211) and xloadflags (0x236) as the image states them.
    public byte LoadFlags { get; }
    public ushort XLoadFlags { get; }

    // XLF_CAN_BE_LOADED_ABOVE_4G: kernel, boot_params, command line and initrd may lie above 4 GiB.
    public bool CanBeLoadedAbove4G => (XLoadFlags & XlfCanBeLoadedAbove4G) != 0;
}
