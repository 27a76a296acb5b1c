using System;

namespace Redoubt.Kernel.Boot;

// One decoded entry of a newc cpio archive, as offsets into the archive span it came from
// (CpioArchive.Next checked that name and data lie inside it).
public readonly struct CpioEntry
{
    public CpioEntry(uint mode, int nameOffset, int nameLength, int dataOffset, int dataLength)
    {
        Mode = mode;
        NameOffset = nameOffset;
        NameLength = nameLength;
        DataOffset = dataOffset;
        DataLength = dataLength;
    }

    // The file type and permission bits (st_mode).
    public uint Mode { get; }

    // The name without its terminating NUL.
    public int NameOffset { get; }
    public int NameLength { get; }

    public int DataOffset { get; }
    public int DataLength { get; }

    public bool IsRegularFile => (Mode & CpioArchive.FileTypeMask) == CpioArchive.RegularFileType;

    public ReadOnlySpan<byte> Name(ReadOnlySpan<byte> archive) => archive.Slice(NameOffset, NameLength);

    public ReadOnlySpan<byte> Data(ReadOnlySpan<byte> archive) => archive.Slice(DataOffset, DataLength);
}
