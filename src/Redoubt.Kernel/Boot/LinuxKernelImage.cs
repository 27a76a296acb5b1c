using System;
using Redoubt.Kernel.Virtualization;

namespace Redoubt.Kernel.Boot;

// Validation of a Linux x86 bzImage for the 64-bit boot protocol (Linux boot protocol,
// Documentation/arch/x86/boot.rst). The image is untrusted: Parse reads only inside the span,
// never throws, and returns a LinuxKernelImageStatus; the layout is set only on Success.
// Accepted: boot_flag 0xAA55, "HdrS", protocol 2.12 or later, a setup header that reaches at
// least init_size, LOADED_HIGH, XLF_KERNEL_64, a relocatable kernel, a power-of-two
// kernel_alignment of at least 4 KiB, a syssize that fits in the file and an init_size that
// covers the protected-mode code. The real-mode setup code is never run, so its other fields
// are not read.
public static class LinuxKernelImage
{
    public const ushort MinimumProtocol = 0x020C;
    public const int MinimumAlignment = 0x1000;

    private const int SectorSize = 512, TwoSectors = 1024;
    private const int SetupSects = 0x1F1, SysSize = 0x1F4, BootFlag = 0x1FE, Jump = 0x200, Header = 0x202, Version = 0x206;
    private const int LoadFlags = 0x211, InitrdAddrMax = 0x22C, KernelAlignment = 0x230, RelocatableKernel = 0x234;
    private const int MinAlignment = 0x235, XLoadFlags = 0x236, CmdlineSize = 0x238, PrefAddress = 0x258, InitSize = 0x260;
    // The last field read is init_size (0x260, 4 bytes).
    private const int MinimumHeaderEnd = InitSize + 4;
    private const uint HdrS = 0x53726448;
    private const byte ShortJump = 0xEB, LoadedHigh = 1;

    public static LinuxKernelImageStatus Parse(ReadOnlySpan<byte> file, out LinuxKernelLayout layout)
    {
        layout = default;
        if (file.Length < TwoSectors)
            return LinuxKernelImageStatus.Truncated;
        if (LittleEndian.ReadUInt16(file, BootFlag) != 0xAA55)
            return LinuxKernelImageStatus.BadBootFlag;
        if (LittleEndian.ReadUInt32(file, Header) != HdrS)
            return LinuxKernelImageStatus.BadMagic;
        ushort version = LittleEndian.ReadUInt16(file, Version);
        if (version < MinimumProtocol)
            return LinuxKernelImageStatus.ProtocolTooOld;

        // setup_sects 0 means 4 (boot.rst, note 1); the boot sector comes on top.
        int setupSectors = file[SetupSects] == 0 ? 4 : file[SetupSects];
        int protectedModeOffset = (setupSectors + 1) * SectorSize;
        // "0xEB followed by a signed offset relative to byte 0x202"; the header ends where the
        // jump lands ("64-bit Boot Protocol": 0x0202 + the byte at 0x0201). A short jump
        // reaches at most 0x281, inside the 1 KiB every image has.
        int headerEnd = Header + (sbyte)file[Jump + 1];
        if (file[Jump] != ShortJump || headerEnd < MinimumHeaderEnd)
            return LinuxKernelImageStatus.BadHeaderLength;
        if (protectedModeOffset >= file.Length)
            return LinuxKernelImageStatus.SetupOutOfFile;
        int protectedModeLength = file.Length - protectedModeOffset;

        byte loadFlags = file[LoadFlags];
        if ((loadFlags & LoadedHigh) == 0)
            return LinuxKernelImageStatus.NotLoadedHigh;
        ushort xLoadFlags = LittleEndian.ReadUInt16(file, XLoadFlags);
        if ((xLoadFlags & LinuxKernelLayout.XlfKernel64) == 0)
            return LinuxKernelImageStatus.No64BitEntry;
        if (file[RelocatableKernel] == 0)
            return LinuxKernelImageStatus.NotRelocatable;
        uint alignment = LittleEndian.ReadUInt32(file, KernelAlignment);
        byte minAlignment = file[MinAlignment];
        if (alignment < MinimumAlignment || (alignment & (alignment - 1)) != 0 || (minAlignment != 0 && (minAlignment > 31 || 1u << minAlignment > alignment)))
            return LinuxKernelImageStatus.BadAlignment;
        // syssize counts 16-byte paragraphs; it is four bytes wide from protocol 2.04.
        ulong systemSize = (ulong)LittleEndian.ReadUInt32(file, SysSize) * 16;
        if (systemSize == 0 || systemSize > (ulong)protectedModeLength)
            return LinuxKernelImageStatus.BadSystemSize;
        uint initSize = LittleEndian.ReadUInt32(file, InitSize);
        if (initSize < (uint)protectedModeLength)
            return LinuxKernelImageStatus.InitSizeTooSmall;

        layout = new LinuxKernelLayout(version, headerEnd, protectedModeOffset, protectedModeLength,
            LittleEndian.ReadUInt64(file, PrefAddress), alignment, minAlignment, initSize,
            LittleEndian.ReadUInt32(file, CmdlineSize), LittleEndian.ReadUInt32(file, InitrdAddrMax), loadFlags, xLoadFlags);
        return LinuxKernelImageStatus.Success;
    }
}
