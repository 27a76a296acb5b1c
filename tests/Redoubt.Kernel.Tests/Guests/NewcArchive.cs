using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Redoubt.Kernel.Tests.Guests;

// Reads a cpio archive in the "newc" format: per entry a 110-byte header ("070701" and 13
// fields of 8 hex digits), the NUL-terminated name, the data, each padded to 4 bytes; the
// entry named TRAILER!!! ends it.
internal static class NewcArchive
{
    public sealed record Entry(string Name, uint Mode, uint Uid, uint Gid, uint MTime, byte[] Data);

    public static List<Entry> Read(byte[] archive)
    {
        var entries = new List<Entry>();
        int offset = 0;
        while (true)
        {
            string magic = Encoding.ASCII.GetString(archive, offset, 6);
            if (magic != "070701")
                throw new FormatException($"no newc header at offset {offset} (found '{magic}')");
            uint Field(int index) => uint.Parse(Encoding.ASCII.GetString(archive, offset + 6 + index * 8, 8), NumberStyles.HexNumber);
            uint mode = Field(1), uid = Field(2), gid = Field(3), mtime = Field(5), size = Field(6), nameSize = Field(11);
            string name = Encoding.ASCII.GetString(archive, offset + 110, (int)nameSize - 1);
            offset = Align4(offset + 110 + (int)nameSize);
            if (name == "TRAILER!!!")
                return entries;
            entries.Add(new Entry(name, mode, uid, gid, mtime, archive.AsSpan(offset, (int)size).ToArray()));
            offset = Align4(offset + (int)size);
        }
    }

    private static int Align4(int value) => (value + 3) & ~3;
}
