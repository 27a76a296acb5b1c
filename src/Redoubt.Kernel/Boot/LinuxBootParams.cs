using System;
using Redoubt.Kernel.Virtualization;

namespace Redoubt.Kernel.Boot;

// Builds the 4 KiB boot_params ("zero page") that a Linux guest receives in RSI at its 64-bit
// entry (Linux boot protocol, "64-bit Boot Protocol"; field offsets from zero-page.rst). Build
// checks the image, the memory map and the placement first and writes the caller's page only
// when all of it is valid; every outcome is a LinuxBootParamsStatus. The page is zeroed, the
// image's setup header is copied to 0x1F1, and then only the fields a loader writes are set:
// type_of_loader, loadflags, code32_start, ramdisk_image/size, cmd_line_ptr, their ext_
// halves for addresses above 4 GiB, acpi_rsdp_addr, and the E820 map.
public static class LinuxBootParams
{
    public const int ZeroPageSize = 4096;
    public const int MaxE820Entries = 128;

    // boot_params (zero-page.rst).
    private const int AcpiRsdpAddr = 0x070, ExtRamdiskImage = 0x0C0, ExtRamdiskSize = 0x0C4, ExtCmdLinePtr = 0x0C8;
    private const int E820Entries = 0x1E8, E820Table = 0x2D0;
    // The setup header inside it (boot.rst, "The Real-Mode Kernel Header").
    private const int TypeOfLoader = 0x210, LoadFlags = 0x211, Code32Start = 0x214, RamdiskImage = 0x218;
    private const int RamdiskSize = 0x21C, CmdLinePtr = 0x228;
    // "Otherwise, enter 0xFF here": Redoubt has no assigned boot loader id.
    private const byte UndefinedLoader = 0xFF;
    // CAN_USE_HEAP tells the real-mode setup code that heap_end_ptr is valid; a 64-bit boot
    // never runs that code and leaves heap_end_ptr zero.
    private const byte CanUseHeap = 0x80;
    private const ulong FourGiB = 1UL << 32;

    public static LinuxBootParamsStatus Build(ReadOnlySpan<byte> kernelImage, LinuxBootConfig config, ReadOnlySpan<E820Entry> memoryMap, Span<byte> zeroPage)
    {
        LinuxBootParamsStatus status = Validate(kernelImage, config, memoryMap, zeroPage, out LinuxKernelLayout layout);
        if (status != LinuxBootParamsStatus.Success)
            return status;

        zeroPage.Clear();
        kernelImage.Slice(LinuxKernelLayout.SetupHeaderOffset, layout.SetupHeaderLength).CopyTo(zeroPage.Slice(LinuxKernelLayout.SetupHeaderOffset));
        zeroPage[TypeOfLoader] = UndefinedLoader;
        zeroPage[LoadFlags] = (byte)(layout.LoadFlags & ~CanUseHeap);
        // code32_start: where a relocated kernel was loaded, and Dom0's entry (the 32-bit
        // boot protocol); one above 4 GiB cannot be written there.
        if (config.KernelAddress < FourGiB)
            LittleEndian.WriteUInt32(zeroPage, Code32Start, (uint)config.KernelAddress);
        if (config.RamdiskSize != 0)
        {
            WriteSplit(zeroPage, RamdiskImage, ExtRamdiskImage, config.RamdiskAddress);
            WriteSplit(zeroPage, RamdiskSize, ExtRamdiskSize, config.RamdiskSize);
        }
        WriteSplit(zeroPage, CmdLinePtr, ExtCmdLinePtr, config.CommandLineAddress);
        LittleEndian.WriteUInt64(zeroPage, AcpiRsdpAddr, config.AcpiRsdpAddress);
        zeroPage[E820Entries] = (byte)memoryMap.Length;
        for (int i = 0; i < memoryMap.Length; i++)
        {
            int at = E820Table + i * E820Entry.Size;
            LittleEndian.WriteUInt64(zeroPage, at, memoryMap[i].Address);
            LittleEndian.WriteUInt64(zeroPage, at + 8, memoryMap[i].Length);
            LittleEndian.WriteUInt32(zeroPage, at + 16, memoryMap[i].Type);
        }
        return LinuxBootParamsStatus.Success;
    }

    private static LinuxBootParamsStatus Validate(ReadOnlySpan<byte> kernelImage, LinuxBootConfig config, ReadOnlySpan<E820Entry> memoryMap, Span<byte> zeroPage, out LinuxKernelLayout layout)
    {
        layout = default;
        if (zeroPage.Length != ZeroPageSize)
            return LinuxBootParamsStatus.WrongZeroPageSize;
        if (LinuxKernelImage.Parse(kernelImage, out layout) != LinuxKernelImageStatus.Success)
            return LinuxBootParamsStatus.BadKernelImage;

        if (memoryMap.Length > MaxE820Entries)
            return LinuxBootParamsStatus.TooManyE820Entries;
        for (int i = 0; i < memoryMap.Length; i++)
        {
            E820Entry entry = memoryMap[i];
            if (entry.Length == 0 || entry.Type == 0 || entry.Address > ulong.MaxValue - entry.Length)
                return LinuxBootParamsStatus.BadE820Entry;
            if (i > 0 && entry.Address < memoryMap[i - 1].Address + memoryMap[i - 1].Length)
                return LinuxBootParamsStatus.E820NotSorted;
        }

        // The kernel runs from align_up(load address, kernel_alignment) (boot.rst, init_size);
        // an aligned load address makes that the load address itself.
        if ((config.KernelAddress & (layout.KernelAlignment - 1)) != 0)
            return LinuxBootParamsStatus.KernelMisaligned;
        bool above4G = layout.CanBeLoadedAbove4G;
        if (!Fits(config.KernelAddress, layout.InitSize, above4G))
            return LinuxBootParamsStatus.KernelOutOfReach;
        if (!InRam(memoryMap, config.KernelAddress, layout.InitSize))
            return LinuxBootParamsStatus.KernelNotInRam;

        if (config.CommandLineLength > layout.CommandLineSize)
            return LinuxBootParamsStatus.CommandLineTooLong;
        ulong commandLineBytes = (ulong)config.CommandLineLength + 1;
        if (config.CommandLineAddress == 0 || !Fits(config.CommandLineAddress, commandLineBytes, above4G))
            return LinuxBootParamsStatus.CommandLineOutOfReach;

        bool ramdisk = config.RamdiskSize != 0;
        if (ramdisk)
        {
            if (config.RamdiskAddress > ulong.MaxValue - config.RamdiskSize)
                return LinuxBootParamsStatus.RamdiskOutOfReach;
            // initrd_addr_max is the highest byte the initrd may occupy.
            if (!above4G && config.RamdiskAddress + config.RamdiskSize - 1 > layout.InitrdAddressMax)
                return LinuxBootParamsStatus.RamdiskOutOfReach;
            if (!InRam(memoryMap, config.RamdiskAddress, config.RamdiskSize))
                return LinuxBootParamsStatus.RamdiskNotInRam;
        }

        if (Overlap(config.KernelAddress, layout.InitSize, config.CommandLineAddress, commandLineBytes)
            || (ramdisk && Overlap(config.KernelAddress, layout.InitSize, config.RamdiskAddress, config.RamdiskSize))
            || (ramdisk && Overlap(config.CommandLineAddress, commandLineBytes, config.RamdiskAddress, config.RamdiskSize)))
            return LinuxBootParamsStatus.Overlapping;
        return LinuxBootParamsStatus.Success;
    }

    // [address, address + length) does not wrap, and ends at or below 4 GiB unless allowed above.
    private static bool Fits(ulong address, ulong length, bool above4G) =>
        address <= ulong.MaxValue - length && (above4G || address + length <= FourGiB);

    // Callers have checked that the range does not wrap.
    private static bool InRam(ReadOnlySpan<E820Entry> memoryMap, ulong address, ulong length)
    {
        for (int i = 0; i < memoryMap.Length; i++)
        {
            E820Entry entry = memoryMap[i];
            if (entry.Type == E820Entry.Ram && address >= entry.Address && address + length <= entry.Address + entry.Length)
                return true;
        }
        return false;
    }

    private static bool Overlap(ulong first, ulong firstLength, ulong second, ulong secondLength) =>
        first < second + secondLength && second < first + firstLength;

    // A 64-bit value as its low half in the setup header and its high half in the ext_ field.
    private static void WriteSplit(Span<byte> zeroPage, int low, int high, ulong value)
    {
        LittleEndian.WriteUInt32(zeroPage, low, (uint)value);
        LittleEndian.WriteUInt32(zeroPage, high, (uint)(value >> 32));
    }
}
