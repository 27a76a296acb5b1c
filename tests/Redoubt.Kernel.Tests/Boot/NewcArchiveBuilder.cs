using System;
using System.Collections.Generic;
using System.Text;

namespace Redoubt.Kernel.Tests.Boot;

// Writes newc cpio archives the way `busybox cpio -o -H newc` does, with hooks to break them:
// raw header text, a chosen name size, missing NUL, no padding.
internal sealed class NewcArchiveBuilder
{
    public const uint RegularFile = 0x81A4, Directory = 0x41ED, Symlink = 0xA1FF;

    private readonly List<byte> _bytes = new();
    private uint _inode = 0x100;

    public int Length => _bytes.Count;

    public NewcArchiveBuilder File(string name, byte[] data) => Entry(name, data, RegularFile);

    public NewcArchiveBuilder File(string name, string text) => Entry(name, Encoding.ASCII.GetBytes(text), RegularFile);

    public NewcArchiveBuilder Entry(string name, byte[] data, uint mode, bool lowerCaseHex = false)
    {
        byte[] nameBytes = Encoding.ASCII.GetBytes(name + "\0");
        string header = Header(mode, (uint)data.Length, (uint)nameBytes.Length, _inode++);
        return Raw(lowerCaseHex ? header.ToLowerInvariant() : header, nameBytes, data);
    }

    public NewcArchiveBuilder Trailer() => Entry("TRAILER!!!", Array.Empty<byte>(), 0);

    // A header given as text (the caller breaks it as it likes), then name and data, each
    // padded to 4 bytes from the archive's start.
    public NewcArchiveBuilder Raw(string header, byte[] nameWithNul, byte[] data, bool padData = true)
    {
        _bytes.AddRange(Encoding.ASCII.GetBytes(header));
        _bytes.AddRange(nameWithNul);
        Pad();
        _bytes.AddRange(data);
        if (padData)
            Pad();
        return this;
    }

    public NewcArchiveBuilder Bytes(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public byte[] ToArray() => _bytes.ToArray();

    public static string Header(uint mode, uint fileSize, uint nameSize, uint inode = 0x100) =>
        "070701" + Hex(inode) + Hex(mode) + Hex(0) + Hex(0) + Hex(1) + Hex(0x6000_0000) + Hex(fileSize)
        + Hex(0) + Hex(0) + Hex(0) + Hex(0) + Hex(nameSize) + Hex(0);

    private static string Hex(uint value) => value.ToString("X8");

    private void Pad()
    {
        while (_bytes.Count % 4 != 0)
            _bytes.Add(0);
    }
}
