using System;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Paging;
using Redoubt.Kernel.X64.Boot;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Memory;

namespace Redoubt.Kernel.X64.Dom0;

// Puts Dom0's Linux into Dom0's own RAM, from the boot archive's dom0/vmlinuz, dom0/initrd and
// dom0/cmdline:
// - the bzImage's protected-mode code at its preferred address, or else at the lowest address
//   aligned to kernel_alignment where init_size bytes of Dom0 RAM lie clear of the archive;
// - the initramfs page-aligned at the highest Dom0 RAM below 4 GiB (and initrd_addr_max) clear
//   of the kernel, the archive and the zero page;
// - the zero page and the command line in the first two free Dom0 frames from 64 KiB up;
// - the zero page written by LinuxBootParams with Dom0's E820 map (Dom0MemoryMap): only
//   Dom0's frames are RAM, so Linux never touches Redoubt's.
// Every address is checked to be Dom0 RAM before anything is copied; on a refusal the reason
// is logged and nothing of Dom0 starts.
// Safe: the archive is RAM the boot path reported; every destination is a run of frames the
// frame table gives to Dom0, which the kernel maps 1:1 and which nothing else uses before Dom0 runs.
internal static unsafe class Dom0Loader
{
    private const ulong Page = 4096, FourGiB = 1UL << 32, LowStart = 0x10000;

    public static bool Load(KernelCore<RangePhysicalMemory> core, BootInfo boot, AddressRange archive,
        ReadOnlySpan<byte> appendedCommandLine, out Dom0Entry entry)
    {
        entry = default;
        var files = new ReadOnlySpan<byte>((void*)archive.Start, (int)archive.Length);
        if (!Find(files, "dom0/vmlinuz"u8, out ReadOnlySpan<byte> kernel) || !Find(files, "dom0/initrd"u8, out ReadOnlySpan<byte> initrd))
            return Refuse("the boot archive has no dom0/vmlinuz or no dom0/initrd"u8, 0);
        Find(files, "dom0/cmdline"u8, out ReadOnlySpan<byte> archiveCommandLine);
        LinuxKernelImageStatus image = LinuxKernelImage.Parse(kernel, out LinuxKernelLayout layout);
        if (image != LinuxKernelImageStatus.Success)
            return Refuse("dom0/vmlinuz is not a bzImage Redoubt can boot, status "u8, (ulong)image);

        FrameTable frames = core.Machine.Frames;
        var placement = new Dom0Placement(frames, archive);
        ulong zeroPage = placement.FindLowest(LowStart, 2 * Page, Page, FourGiB);
        if (zeroPage == 0)
            return Refuse("no two free Dom0 frames for the zero page and command line"u8, 0);
        placement.Take(zeroPage, 2 * Page);
        ulong kernelAddress = layout.PreferredAddress;
        if (kernelAddress == 0 || (kernelAddress & (layout.KernelAlignment - 1)) != 0 || !placement.IsFree(kernelAddress, layout.InitSize))
            kernelAddress = placement.FindLowest(layout.KernelAlignment, layout.InitSize, layout.KernelAlignment, FourGiB);
        if (kernelAddress == 0)
            return Refuse("no aligned Dom0 RAM below 4 GiB holds the kernel's init_size of "u8, layout.InitSize);
        placement.Take(kernelAddress, layout.InitSize);
        ulong initrdLimit = (ulong)layout.InitrdAddressMax + 1 < FourGiB ? (ulong)layout.InitrdAddressMax + 1 : FourGiB;
        ulong initrdAddress = placement.FindHighest((ulong)initrd.Length, initrdLimit);
        if (initrdAddress == 0)
            return Refuse("no Dom0 RAM below initrd_addr_max holds the initramfs of "u8, (ulong)initrd.Length);

        ulong commandLineAddress = zeroPage + Page;
        var commandLine = new Span<byte>((void*)commandLineAddress, (int)Page);
        int commandLineLength = Dom0CommandLine.Compose(commandLine, archiveCommandLine, appendedCommandLine);
        if (commandLineLength < 0)
            return Refuse("Dom0's command line is longer than a page"u8, 0);

        Span<E820Entry> map = stackalloc E820Entry[LinuxBootParams.MaxE820Entries];
        Dom0MemoryMapStatus mapStatus = Dom0MemoryMap.Build(boot.Memory, frames, map, out int mapCount);
        if (mapStatus != Dom0MemoryMapStatus.Success)
            return Refuse("Dom0's E820 map does not fit the zero page, status "u8, (ulong)mapStatus);
        var config = new LinuxBootConfig(kernelAddress, commandLineAddress, (uint)commandLineLength, initrdAddress, (ulong)initrd.Length, boot.RsdpAddress);
        var zero = new Span<byte>((void*)zeroPage, (int)Page);
        LinuxBootParamsStatus paramsStatus = LinuxBootParams.Build(kernel, config, map.Slice(0, mapCount), zero);
        if (paramsStatus != LinuxBootParamsStatus.Success)
            return Refuse("the zero page cannot be built, status "u8, (ulong)paramsStatus);

        kernel.Slice(layout.ProtectedModeOffset, layout.ProtectedModeLength).CopyTo(new Span<byte>((void*)kernelAddress, layout.ProtectedModeLength));
        initrd.CopyTo(new Span<byte>((void*)initrdAddress, initrd.Length));
        Log.Info("dom0"u8).Text("Linux boot protocol "u8).Hex(layout.ProtocolVersion).Text(": kernel at "u8).Hex(kernelAddress)
            .Text(" (init_size "u8).Size(layout.InitSize).Text("), initramfs at "u8).Hex(initrdAddress).Text(" ("u8).Size((ulong)initrd.Length)
            .Text("), zero page at "u8).Hex(zeroPage).Text(", "u8).Decimal((ulong)mapCount).Text(" E820 entries"u8).End();
        Log.Info("dom0"u8).Text("command line: \""u8).Text(commandLine.Slice(0, commandLineLength)).Text("\""u8).End();
        entry = new Dom0Entry(kernelAddress, zeroPage, initrdAddress, (ulong)initrd.Length);
        return true;
    }

    private static bool Find(ReadOnlySpan<byte> archive, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> file)
    {
        file = default;
        if (CpioArchive.Find(archive, name, out int offset, out int length) != CpioStatus.Success)
            return false;
        file = archive.Slice(offset, length);
        return true;
    }

    private static bool Refuse(ReadOnlySpan<byte> reason, ulong value)
    {
        Log.Error("dom0"u8).Text(reason).Decimal(value).End();
        return false;
    }
}
