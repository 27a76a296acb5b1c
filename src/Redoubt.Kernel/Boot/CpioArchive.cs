using System;
using Redoubt.Kernel.Virtualization;

namespace Redoubt.Kernel.Boot;

// Reader of a newc cpio archive ("070701": Linux initramfs, `cpio -o -H newc`) held in memory:
// the archive of guest images the kernel receives as a boot module. An entry is a 110-byte
// header of ASCII hex fields, the name with its NUL, padding to a multiple of 4, the data and
// padding to a multiple of 4; all alignment counts from the archive's first byte. The entry
// named TRAILER!!! ends the archive. The archive is untrusted: every header field is checked,
// nothing is read outside the span, and every outcome is a CpioStatus.
// Not handled on purpose: the "070702" checksum variant (BadMagic), hard links (each entry
// stands alone: newc stores the data with the last link only), the content of padding bytes.
public static class CpioArchive
{
    public const int HeaderSize = 110;
    public const uint FileTypeMask = 0xF000, RegularFileType = 0x8000;

    // The header: magic, then 13 fields of 8 hex digits (ino, mode, uid, gid, nlink, mtime,
    // filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check).
    private const int MagicLength = 6, FieldLength = 8, FieldCount = 13;
    private const int ModeField = 1, FileSizeField = 6, NameSizeField = 11;

    private static ReadOnlySpan<byte> Magic => "070701"u8;
    private static ReadOnlySpan<byte> TrailerName => "TRAILER!!!"u8;

    // Decodes the entry whose header starts at offset (0 for the first entry). On Success,
    // offset moves to the next header; otherwise offset is unchanged and entry is default.
    public static CpioStatus Next(ReadOnlySpan<byte> archive, ref int offset, out CpioEntry entry)
    {
        entry = default;
        if (offset < 0 || offset > archive.Length)
            return CpioStatus.Truncated;
        int remaining = archive.Length - offset;
        if (remaining == 0)
            return CpioStatus.MissingTrailer;
        if (remaining < HeaderSize)
            return CpioStatus.Truncated;

        ReadOnlySpan<byte> header = archive.Slice(offset, HeaderSize);
        if (!ByteSpans.Same(header.Slice(0, MagicLength), Magic))
            return CpioStatus.BadMagic;
        for (int field = 0; field < FieldCount; field++)
        {
            if (!TryParseField(header, field, out _))
                return CpioStatus.BadHeader;
        }
        TryParseField(header, ModeField, out uint mode);
        TryParseField(header, FileSizeField, out uint fileSize);
        TryParseField(header, NameSizeField, out uint nameSize);

        // Offsets in long: a 32-bit size added to an int offset cannot overflow.
        if (nameSize < 2)
            return CpioStatus.BadName;
        long nameStart = (long)offset + HeaderSize;
        long nameEnd = nameStart + nameSize;
        if (nameEnd > archive.Length)
            return CpioStatus.Truncated;
        ReadOnlySpan<byte> name = archive.Slice((int)nameStart, (int)nameSize - 1);
        if (archive[(int)nameEnd - 1] != 0 || ContainsNul(name))
            return CpioStatus.BadName;
        // The trailer needs nothing after its name: the archive may end right there.
        if (ByteSpans.Same(name, TrailerName))
            return CpioStatus.EndOfArchive;

        long dataStart = AlignUp4(nameEnd);
        long dataEnd = dataStart + fileSize;
        long next = AlignUp4(dataEnd);
        if (next > archive.Length)
            return CpioStatus.Truncated;

        entry = new CpioEntry(mode, (int)nameStart, (int)nameSize - 1, (int)dataStart, (int)fileSize);
        offset = (int)next;
        return CpioStatus.Success;
    }

    // The data of the regular file with exactly this name (no "./" or "/" is added or removed).
    // The whole archive is checked up to its trailer, whether or not the name comes early, so
    // a damaged or ambiguous archive is refused as a whole.
    public static CpioStatus Find(ReadOnlySpan<byte> archive, ReadOnlySpan<byte> name, out int dataOffset, out int dataLength)
    {
        dataOffset = 0;
        dataLength = 0;
        int offset = 0;
        bool found = false;
        CpioEntry match = default;
        while (true)
        {
            CpioStatus status = Next(archive, ref offset, out CpioEntry entry);
            if (status == CpioStatus.EndOfArchive)
                break;
            if (status != CpioStatus.Success)
                return status;
            if (!ByteSpans.Same(entry.Name(archive), name))
                continue;
            if (found)
                return CpioStatus.DuplicateName;
            found = true;
            match = entry;
        }
        if (!found)
            return CpioStatus.NotFound;
        if (!match.IsRegularFile)
            return CpioStatus.NotRegularFile;
        dataOffset = match.DataOffset;
        dataLength = match.DataLength;
        return CpioStatus.Success;
    }

    private static bool TryParseField(ReadOnlySpan<byte> header, int field, out uint value)
    {
        ReadOnlySpan<byte> digits = header.Slice(MagicLength + field * FieldLength, FieldLength);
        value = 0;
        for (int i = 0; i < digits.Length; i++)
        {
            int digit = HexDigit(digits[i]);
            if (digit < 0)
            {
                value = 0;
                return false;
            }
            value = value << 4 | (uint)digit;
        }
        return true;
    }

    private static int HexDigit(byte c)
    {
        if (c >= (byte)'0' && c <= (byte)'9')
            return c - '0';
        if (c >= (byte)'A' && c <= (byte)'F')
            return c - 'A' + 10;
        if (c >= (byte)'a' && c <= (byte)'f')
            return c - 'a' + 10;
        return -1;
    }

    private static long AlignUp4(long value) => (value + 3) & ~3L;

    private static bool ContainsNul(ReadOnlySpan<byte> text)
    {
        foreach (byte b in text)
        {
            if (b == 0)
                return true;
        }
        return false;
    }
}
