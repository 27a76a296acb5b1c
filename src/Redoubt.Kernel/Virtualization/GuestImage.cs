using System;
using Redoubt.Abi;

namespace Redoubt.Kernel.Virtualization;

// Validation of a guest's ELF64 image before it is loaded into the guest's RAM at its physical
// addresses (p_paddr; e_entry is a guest-physical address too, since the guest starts with
// paging off or identity-mapped). The image is untrusted. Parse decodes and checks everything
// first and writes the caller's segments only when the whole image is valid; every outcome is
// a GuestImageStatus. Accepted: ELFCLASS64, little-endian, EV_CURRENT, ET_EXEC, EM_X86_64, at
// most MaxProgramHeaders program headers. Each PT_LOAD must lie in the file, have
// p_filesz <= p_memsz, and cover pages inside [0, ramBytes) that no other PT_LOAD touches (a
// page gets one set of rights). The entry must lie in a PF_X segment. PT_LOADs with
// p_memsz = 0 load nothing and are skipped; other program header types except PT_INTERP are
// ignored. Section headers are never read.
public static class GuestImage
{
    public const int MaxProgramHeaders = 16;

    private const int ElfHeaderSize = 64, ProgramHeaderSize = 56;
    private const byte ElfClass64 = 2, ElfDataLittleEndian = 1, ElfVersionCurrent = 1;
    private const ushort ElfTypeExecutable = 2, ElfMachineX8664 = 62;
    private const uint ProgramTypeLoad = 1, ProgramTypeInterpreter = 3;
    private const uint SegmentExecutable = 1, SegmentWritable = 2;

    public static GuestImageStatus Parse(ReadOnlySpan<byte> file, ulong ramBytes, Span<GuestSegment> segments, out int segmentCount, out ulong entry)
    {
        segmentCount = 0;
        entry = 0;
        GuestImageStatus status = CheckHeader(file, out int tableOffset, out int headerCount, out ulong entryPoint);
        if (status != GuestImageStatus.Success)
            return status;

        int loadable = 0;
        bool entryExecutable = false;
        for (int i = 0; i < headerCount; i++)
        {
            status = DecodeSegment(file, tableOffset, i, ramBytes, out GuestSegment segment, out bool loads);
            if (status != GuestImageStatus.Success)
                return status;
            if (!loads)
                continue;
            // Earlier headers decoded successfully before: decode them again rather than keep
            // them, so the caller's span is written only once everything is known to be valid.
            for (int j = 0; j < i; j++)
            {
                DecodeSegment(file, tableOffset, j, ramBytes, out GuestSegment earlier, out bool earlierLoads);
                if (earlierLoads && segment.PageStart < earlier.PageEnd && earlier.PageStart < segment.PageEnd)
                    return GuestImageStatus.OverlappingSegments;
            }
            if ((segment.Flags & PageMeasureFlags.Executable) != 0 && entryPoint >= segment.GuestPhysical && entryPoint - segment.GuestPhysical < segment.MemorySize)
                entryExecutable = true;
            loadable++;
        }
        if (loadable == 0)
            return GuestImageStatus.NoLoadableSegments;
        if (loadable > segments.Length)
            return GuestImageStatus.TooManySegments;
        if (!entryExecutable)
            return GuestImageStatus.EntryNotExecutable;

        for (int i = 0; i < headerCount; i++)
        {
            DecodeSegment(file, tableOffset, i, ramBytes, out GuestSegment segment, out bool loads);
            if (loads)
                segments[segmentCount++] = segment;
        }
        entry = entryPoint;
        return GuestImageStatus.Success;
    }

    // The ELF header (System V gABI, "ELF Header"; x86-64 psABI). The program header table is
    // checked to lie in the file, so its offset fits an int.
    private static GuestImageStatus CheckHeader(ReadOnlySpan<byte> file, out int tableOffset, out int headerCount, out ulong entryPoint)
    {
        tableOffset = 0;
        headerCount = 0;
        entryPoint = 0;
        if (file.Length < ElfHeaderSize)
            return GuestImageStatus.Truncated;
        if (file[0] != 0x7F || file[1] != (byte)'E' || file[2] != (byte)'L' || file[3] != (byte)'F')
            return GuestImageStatus.BadMagic;
        if (file[4] != ElfClass64)
            return GuestImageStatus.NotElf64;
        if (file[5] != ElfDataLittleEndian)
            return GuestImageStatus.NotLittleEndian;
        if (file[6] != ElfVersionCurrent || LittleEndian.ReadUInt32(file, 20) != ElfVersionCurrent)
            return GuestImageStatus.BadVersion;
        if (LittleEndian.ReadUInt16(file, 16) != ElfTypeExecutable)
            return GuestImageStatus.NotExecutable;
        if (LittleEndian.ReadUInt16(file, 18) != ElfMachineX8664)
            return GuestImageStatus.WrongMachine;
        if (LittleEndian.ReadUInt16(file, 52) != ElfHeaderSize)
            return GuestImageStatus.BadHeaderSize;
        if (LittleEndian.ReadUInt16(file, 54) != ProgramHeaderSize)
            return GuestImageStatus.BadProgramHeaderSize;
        int count = LittleEndian.ReadUInt16(file, 56);
        if (count > MaxProgramHeaders)
            return GuestImageStatus.TooManyProgramHeaders;
        ulong offset = LittleEndian.ReadUInt64(file, 32);
        ulong tableBytes = (ulong)(count * ProgramHeaderSize);
        if (offset > (ulong)file.Length || tableBytes > (ulong)file.Length - offset)
            return GuestImageStatus.ProgramHeadersOutOfBounds;
        tableOffset = (int)offset;
        headerCount = count;
        entryPoint = LittleEndian.ReadUInt64(file, 24);
        return GuestImageStatus.Success;
    }

    // One program header; loads is false for everything that puts nothing in guest memory.
    private static GuestImageStatus DecodeSegment(ReadOnlySpan<byte> file, int tableOffset, int index, ulong ramBytes, out GuestSegment segment, out bool loads)
    {
        segment = default;
        loads = false;
        ReadOnlySpan<byte> header = file.Slice(tableOffset + index * ProgramHeaderSize, ProgramHeaderSize);
        uint type = LittleEndian.ReadUInt32(header, 0);
        if (type == ProgramTypeInterpreter)
            return GuestImageStatus.NeedsInterpreter;
        if (type != ProgramTypeLoad)
            return GuestImageStatus.Success;

        uint flags = LittleEndian.ReadUInt32(header, 4);
        ulong fileOffset = LittleEndian.ReadUInt64(header, 8);
        ulong physical = LittleEndian.ReadUInt64(header, 24);
        ulong fileSize = LittleEndian.ReadUInt64(header, 32);
        ulong memorySize = LittleEndian.ReadUInt64(header, 40);
        if (fileOffset > (ulong)file.Length || fileSize > (ulong)file.Length - fileOffset)
            return GuestImageStatus.SegmentOutOfFile;
        if (fileSize > memorySize)
            return GuestImageStatus.FileSizeExceedsMemorySize;
        if (memorySize == 0)
            return GuestImageStatus.Success;
        // Loading is page-wise: the end rounded up to a page must not wrap and must stay in RAM.
        if (memorySize > ramBytes || physical > ramBytes - memorySize)
            return GuestImageStatus.SegmentOutsideRam;
        ulong end = physical + memorySize;
        if (end > ulong.MaxValue - (GuestSegment.PageSize - 1) || ((end + GuestSegment.PageSize - 1) & ~(GuestSegment.PageSize - 1)) > ramBytes)
            return GuestImageStatus.SegmentOutsideRam;

        PageMeasureFlags rights = PageMeasureFlags.None;
        if ((flags & SegmentExecutable) != 0)
            rights |= PageMeasureFlags.Executable;
        if ((flags & SegmentWritable) == 0)
            rights |= PageMeasureFlags.ReadOnly;
        segment = new GuestSegment(physical, (int)fileOffset, (int)fileSize, memorySize, rights);
        loads = true;
        return GuestImageStatus.Success;
    }
}
