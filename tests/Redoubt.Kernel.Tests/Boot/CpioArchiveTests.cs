using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using Redoubt.Kernel.Boot;
using Xunit;

namespace Redoubt.Kernel.Tests.Boot;

public class CpioArchiveTests
{
    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static (CpioStatus Status, List<(string Name, uint Mode, byte[] Data)> Entries) ReadAll(byte[] archive)
    {
        var entries = new List<(string, uint, byte[])>();
        int offset = 0;
        while (true)
        {
            CpioStatus status = CpioArchive.Next(archive, ref offset, out CpioEntry entry);
            if (status != CpioStatus.Success)
                return (status, entries);
            entries.Add((Encoding.ASCII.GetString(entry.Name(archive)), entry.Mode, entry.Data(archive).ToArray()));
        }
    }

    private static CpioStatus Find(byte[] archive, string name, out byte[] data)
    {
        CpioStatus status = CpioArchive.Find(archive, Ascii(name), out int offset, out int length);
        data = archive.AsSpan(offset, length).ToArray();
        return status;
    }

    [Fact]
    public void ReadsTheBusyboxArchive()
    {
        byte[] archive = BusyboxSampleArchive.Bytes;
        var (status, entries) = ReadAll(archive);
        Assert.Equal(CpioStatus.EndOfArchive, status);
        Assert.Equal(new[] { "images", "images/a.txt", "images/guest.bin", "images/link" }, entries.ConvertAll(e => e.Name));
        Assert.Equal(new[] { 0x41EDu, 0x81A4u, 0x81A4u, 0xA1FFu }, entries.ConvertAll(e => e.Mode));
        Assert.Equal("guest.bin", Encoding.ASCII.GetString(entries[3].Data));

        Assert.Equal(CpioStatus.Success, Find(archive, "images/guest.bin", out byte[] guest));
        Assert.Equal("guest!", Encoding.ASCII.GetString(guest));
        Assert.Equal(CpioStatus.Success, Find(archive, "images/a.txt", out byte[] text));
        Assert.Equal("hi\n", Encoding.ASCII.GetString(text));
    }

    [Theory]
    [InlineData("images", CpioStatus.NotRegularFile)]
    [InlineData("images/link", CpioStatus.NotRegularFile)]
    [InlineData("images/missing", CpioStatus.NotFound)]
    [InlineData("./images/a.txt", CpioStatus.NotFound)]
    [InlineData("/images/a.txt", CpioStatus.NotFound)]
    [InlineData("images/a.tx", CpioStatus.NotFound)]
    [InlineData("images/a.txt\0", CpioStatus.NotFound)]
    [InlineData("TRAILER!!!", CpioStatus.NotFound)]
    [InlineData("", CpioStatus.NotFound)]
    public void FindsOnlyRegularFilesByExactName(string name, CpioStatus expected)
    {
        Assert.Equal(expected, CpioArchive.Find(BusyboxSampleArchive.Bytes, Ascii(name), out int offset, out int length));
        Assert.Equal((0, 0), (offset, length));
    }

    // Names and data of every length modulo 4 exercise each padding case.
    [Fact]
    public void HandlesEveryPaddingCombination()
    {
        var builder = new NewcArchiveBuilder();
        var expected = new List<(string, byte[])>();
        for (int nameLength = 1; nameLength <= 8; nameLength++)
        {
            for (int dataLength = 0; dataLength <= 8; dataLength++)
            {
                string name = new string((char)('a' + nameLength), nameLength) + dataLength;
                byte[] data = new byte[dataLength];
                for (int i = 0; i < dataLength; i++)
                    data[i] = (byte)(nameLength * 16 + i + 1);
                builder.File(name, data);
                expected.Add((name, data));
            }
        }
        byte[] archive = builder.Trailer().ToArray();

        var (status, entries) = ReadAll(archive);
        Assert.Equal(CpioStatus.EndOfArchive, status);
        Assert.Equal(expected.Count, entries.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Item1, entries[i].Name);
            Assert.Equal(expected[i].Item2, entries[i].Data);
            Assert.Equal(CpioStatus.Success, Find(archive, expected[i].Item1, out byte[] found));
            Assert.Equal(expected[i].Item2, found);
        }
    }

    [Fact]
    public void EntryOffsetsAreAlignedAndInsideTheArchive()
    {
        byte[] archive = new NewcArchiveBuilder().File("a", "xyz").File("bcdef", "12345").Trailer().ToArray();
        int offset = 0;
        Assert.Equal(CpioStatus.Success, CpioArchive.Next(archive, ref offset, out CpioEntry first));
        Assert.Equal(CpioArchive.HeaderSize, first.NameOffset);
        Assert.Equal(1, first.NameLength);
        Assert.Equal(112, first.DataOffset);         // 110 + "a\0", already a multiple of 4
        Assert.Equal(3, first.DataLength);
        Assert.Equal(116, offset);                    // data padded from 115
        Assert.True(first.IsRegularFile);
        Assert.Equal(CpioStatus.Success, CpioArchive.Next(archive, ref offset, out CpioEntry second));
        Assert.Equal(116 + 110 + 6 + 0, second.DataOffset); // 232 is a multiple of 4
        Assert.Equal(240, offset);                    // 232 + 5 = 237, padded to 240
        int atTrailer = offset;
        Assert.Equal(CpioStatus.EndOfArchive, CpioArchive.Next(archive, ref offset, out CpioEntry trailer));
        Assert.Equal(atTrailer, offset);
        Assert.Equal(default, trailer);
    }

    [Fact]
    public void AcceptsLowerCaseHex()
    {
        byte[] archive = new NewcArchiveBuilder()
            .Entry("guest", Ascii("0123456789abcdef"), NewcArchiveBuilder.RegularFile, lowerCaseHex: true)
            .Trailer().ToArray();
        Assert.Equal(CpioStatus.Success, Find(archive, "guest", out byte[] data));
        Assert.Equal(16, data.Length);
    }

    [Fact]
    public void TrailerMayEndTheArchiveRightAfterItsName()
    {
        byte[] archive = new NewcArchiveBuilder().File("x", "1").Bytes(Ascii(NewcArchiveBuilder.Header(0, 0, 11))).Bytes(Ascii("TRAILER!!!\0")).ToArray();
        Assert.Equal(CpioStatus.Success, Find(archive, "x", out _));
        // Whatever follows the trailer (e.g. block padding) is not looked at.
        byte[] padded = new NewcArchiveBuilder().File("x", "1").Trailer().Bytes(new byte[512]).Bytes(Ascii("garbage")).ToArray();
        Assert.Equal(CpioStatus.Success, Find(padded, "x", out _));
    }

    [Fact]
    public void EmptyArchiveOrNoTrailerIsMissingTrailer()
    {
        Assert.Equal(CpioStatus.MissingTrailer, CpioArchive.Find(ReadOnlySpan<byte>.Empty, Ascii("x"), out _, out _));
        byte[] noTrailer = new NewcArchiveBuilder().File("x", "1").ToArray();
        Assert.Equal(CpioStatus.MissingTrailer, Find(noTrailer, "x", out _));
        byte[] onlyTrailer = new NewcArchiveBuilder().Trailer().ToArray();
        Assert.Equal(CpioStatus.NotFound, Find(onlyTrailer, "x", out _));
    }

    // Every cut of a valid archive before its trailer's NUL is refused: inside an entry as
    // Truncated, at an entry boundary as MissingTrailer.
    [Fact]
    public void EveryTruncationIsRefused()
    {
        byte[] archive = new NewcArchiveBuilder().File("a", "hello").File("dir/b", new byte[37]).Trailer().ToArray();
        int trailerStart = archive.Length - 124;   // 110 + "TRAILER!!!\0" padded to 124
        var boundaries = new HashSet<int> { 0, 120, trailerStart };
        for (int length = 0; length < trailerStart + CpioArchive.HeaderSize + 11; length++)
        {
            CpioStatus status = CpioArchive.Find(archive.AsSpan(0, length), Ascii("a"), out int offset, out int dataLength);
            Assert.Equal(boundaries.Contains(length) ? CpioStatus.MissingTrailer : CpioStatus.Truncated, status);
            Assert.Equal((0, 0), (offset, dataLength));
        }
        for (int length = trailerStart + CpioArchive.HeaderSize + 11; length <= archive.Length; length++)
            Assert.Equal(CpioStatus.Success, CpioArchive.Find(archive.AsSpan(0, length), Ascii("a"), out _, out _));
    }

    [Theory]
    [InlineData("070702")]   // the checksum variant
    [InlineData("070707")]   // old portable ASCII
    [InlineData("07070 ")]
    [InlineData("\0\0\0\0\0\0")]
    public void RefusesOtherMagic(string magic)
    {
        byte[] archive = new NewcArchiveBuilder().File("x", "1").Trailer().ToArray();
        Encoding.ASCII.GetBytes(magic).CopyTo(archive, 0);
        Assert.Equal(CpioStatus.BadMagic, Find(archive, "x", out _));
    }

    [Fact]
    public void RefusesANonHexDigitInAnyField()
    {
        foreach (char bad in "Gg -+xX\0")
        {
            for (int position = 6; position < CpioArchive.HeaderSize; position++)
            {
                byte[] archive = new NewcArchiveBuilder().File("x", "1").Trailer().ToArray();
                archive[position] = (byte)bad;
                Assert.Equal(CpioStatus.BadHeader, Find(archive, "x", out _));
            }
        }
    }

    [Fact]
    public void RefusesBadNames()
    {
        string regular = NewcArchiveBuilder.Header(NewcArchiveBuilder.RegularFile, 0, 0);
        Assert.Equal(CpioStatus.BadName, Status(new NewcArchiveBuilder().Raw(regular, [], [])));
        Assert.Equal(CpioStatus.BadName, Status(new NewcArchiveBuilder().Raw(NewcArchiveBuilder.Header(NewcArchiveBuilder.RegularFile, 0, 1), [0], [])));
        // Not NUL-terminated, and a NUL inside the name.
        Assert.Equal(CpioStatus.BadName, Status(new NewcArchiveBuilder().Raw(NewcArchiveBuilder.Header(NewcArchiveBuilder.RegularFile, 0, 2), Ascii("ab"), [])));
        Assert.Equal(CpioStatus.BadName, Status(new NewcArchiveBuilder().Raw(NewcArchiveBuilder.Header(NewcArchiveBuilder.RegularFile, 0, 4), Ascii("a\0b\0"), [])));
        // A trailer whose size counts no NUL is no trailer.
        Assert.Equal(CpioStatus.BadName, Status(new NewcArchiveBuilder().Raw(NewcArchiveBuilder.Header(0, 0, 10), Ascii("TRAILER!!!"), [])));

        static CpioStatus Status(NewcArchiveBuilder builder) =>
            CpioArchive.Find(builder.Trailer().Bytes(new byte[64]).ToArray(), "x"u8, out _, out _);
    }

    [Theory]
    [InlineData(0xFFFF_FFFFu, 2u)]
    [InlineData(0x7FFF_FFFFu, 2u)]
    [InlineData(6u, 2u)]             // one byte more than the archive holds
    [InlineData(0u, 0xFFFF_FFFFu)]
    [InlineData(0u, 0x8000_0000u)]
    [InlineData(0u, 200u)]
    public void RefusesSizesPastTheEnd(uint fileSize, uint nameSize)
    {
        // "x\0" + padding, then 5 bytes of data and nothing else: no trailer either.
        byte[] archive = new NewcArchiveBuilder().Raw(NewcArchiveBuilder.Header(NewcArchiveBuilder.RegularFile, fileSize, nameSize), Ascii("x\0"), Ascii("12345"), padData: false).ToArray();
        Assert.Equal(CpioStatus.Truncated, Find(archive, "x", out _));
    }

    [Fact]
    public void DataPaddingMustBePresent()
    {
        // The data ends the span without its padding: the archive was cut.
        byte[] archive = new NewcArchiveBuilder().Raw(NewcArchiveBuilder.Header(NewcArchiveBuilder.RegularFile, 5, 2), Ascii("x\0"), Ascii("12345"), padData: false).ToArray();
        int offset = 0;
        Assert.Equal(CpioStatus.Truncated, CpioArchive.Next(archive, ref offset, out _));
        Assert.Equal(0, offset);
    }

    [Fact]
    public void RefusesDuplicateNames()
    {
        byte[] twoFiles = new NewcArchiveBuilder().File("g", "first").File("h", "").File("g", "second").Trailer().ToArray();
        Assert.Equal(CpioStatus.DuplicateName, Find(twoFiles, "g", out _));
        Assert.Equal(CpioStatus.Success, Find(twoFiles, "h", out _));
        byte[] dirThenFile = new NewcArchiveBuilder().Entry("g", [], NewcArchiveBuilder.Directory).File("g", "data").Trailer().ToArray();
        Assert.Equal(CpioStatus.DuplicateName, Find(dirThenFile, "g", out _));
    }

    [Fact]
    public void DamageAfterTheMatchStillFailsTheWholeArchive()
    {
        byte[] archive = new NewcArchiveBuilder().File("guest", "code").File("other", "x").Trailer().ToArray();
        Assert.Equal(CpioStatus.Success, Find(archive, "guest", out _));
        archive[120 + 2] = (byte)'9';   // the second header's magic
        Assert.Equal(CpioStatus.BadMagic, Find(archive, "guest", out _));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    public void NextRefusesACursorOutsideTheArchive(int start)
    {
        int offset = start;
        Assert.Equal(CpioStatus.Truncated, CpioArchive.Next(BusyboxSampleArchive.Bytes, ref offset, out CpioEntry entry));
        Assert.Equal(start, offset);
        Assert.Equal(default, entry);
    }

    [Fact]
    public void FileTypeDecidesWhatIsARegularFile()
    {
        foreach (uint type in new uint[] { 0x1000, 0x2000, 0x4000, 0x6000, 0xA000, 0xC000, 0x0000, 0xF000, 0x9000 })
        {
            byte[] archive = new NewcArchiveBuilder().Entry("f", Ascii("data"), type | 0x1A4).Trailer().ToArray();
            Assert.Equal(CpioStatus.NotRegularFile, Find(archive, "f", out _));
        }
        byte[] plain = new NewcArchiveBuilder().Entry("f", Ascii("data"), 0x8000).Trailer().ToArray();
        Assert.Equal(CpioStatus.Success, Find(plain, "f", out _));
    }

    // Random bytes, and random damage to a valid archive: never an exception, and every entry
    // reported lies inside the span.
    [Fact]
    public void RandomInputNeverThrowsOrEscapesTheSpan()
    {
        var random = new Random(7);
        byte[] valid = new NewcArchiveBuilder().File("a", "hello").Entry("d", [], NewcArchiveBuilder.Directory).File("guest.elf", new byte[300]).Trailer().ToArray();
        for (int round = 0; round < 20_000; round++)
        {
            byte[] input;
            if (round % 2 == 0)
            {
                input = new byte[random.Next(0, 400)];
                random.NextBytes(input);
                if (input.Length >= 6 && round % 4 == 0)
                    Ascii("070701").CopyTo(input, 0);   // get past the magic more often
            }
            else
            {
                input = (byte[])valid.Clone();
                for (int flips = random.Next(1, 4); flips > 0; flips--)
                    input[random.Next(input.Length)] = round % 3 == 0 ? (byte)random.Next(256) : (byte)"0123456789ABCDEF"[random.Next(16)];
                input = input.AsSpan(0, random.Next(input.Length + 1)).ToArray();
            }

            int offset = 0, steps = 0;
            CpioStatus status;
            while ((status = CpioArchive.Next(input, ref offset, out CpioEntry entry)) == CpioStatus.Success)
            {
                Assert.InRange(entry.DataOffset, 0, input.Length);
                Assert.InRange(entry.DataLength, 0, input.Length - entry.DataOffset);
                Assert.InRange(entry.NameLength, 1, entry.DataOffset - entry.NameOffset);
                Assert.InRange(offset, entry.DataOffset + entry.DataLength, input.Length);
                Assert.Equal(0, offset % 4);
                Assert.True(++steps < 100);
            }
            Assert.NotEqual(CpioStatus.NotFound, status);

            status = CpioArchive.Find(input, "guest.elf"u8, out int dataOffset, out int dataLength);
            if (status == CpioStatus.Success)
                Assert.InRange(dataOffset + (long)dataLength, 0, input.Length);
            else
                Assert.Equal((0, 0), (dataOffset, dataLength));
        }
    }

    // Archives written by BusyBox at test time, with random names and contents.
    [FactWhenFileExists("/bin/busybox")]
    public void ReadsArchivesBusyboxWrites()
    {
        var random = new Random(11);
        string directory = Path.Combine(Path.GetTempPath(), "redoubt-cpio-" + Environment.ProcessId + "-" + random.Next());
        Directory.CreateDirectory(Path.Combine(directory, "guests"));
        try
        {
            var files = new Dictionary<string, byte[]>();
            for (int i = 0; i < 12; i++)
            {
                string name = "guests/g" + i + new string('x', random.Next(0, 9)) + ".bin";
                byte[] data = new byte[random.Next(0, 5000)];
                random.NextBytes(data);
                File.WriteAllBytes(Path.Combine(directory, name), data);
                files[name] = data;
            }
            var list = new StringBuilder("guests\n");
            foreach (string name in files.Keys)
                list.Append(name).Append('\n');

            var start = new ProcessStartInfo("/bin/busybox", "cpio -o -H newc")
            {
                WorkingDirectory = directory,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            process.StandardInput.Write(list.ToString());
            process.StandardInput.Close();
            var output = new MemoryStream();
            process.StandardOutput.BaseStream.CopyTo(output);
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
            byte[] archive = output.ToArray();

            foreach (var (name, data) in files)
            {
                Assert.Equal(CpioStatus.Success, Find(archive, name, out byte[] found));
                Assert.Equal(data, found);
            }
            Assert.Equal(CpioStatus.NotRegularFile, Find(archive, "guests", out _));
            Assert.Equal(CpioStatus.EndOfArchive, ReadAll(archive).Status);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
