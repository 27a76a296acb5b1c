using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using Redoubt.Abi;
using Redoubt.Kernel.Tests.Boot;
using Redoubt.Kernel.Virtualization;
using Xunit;
using static Redoubt.Kernel.Tests.Virtualization.ElfImageBuilder;

namespace Redoubt.Kernel.Tests.Virtualization;

public class GuestImageTests
{
    private const ulong Ram = 0x10_0000;   // 1 MiB of guest RAM unless a test says otherwise
    private const string KernelElf = "artifacts/image/redoubt.elf";

    private static GuestImageStatus Parse(byte[] file, ulong ramBytes, out GuestSegment[] segments, out ulong entry)
    {
        var buffer = new GuestSegment[GuestImage.MaxProgramHeaders];
        GuestImageStatus status = GuestImage.Parse(file, ramBytes, buffer, out int count, out entry);
        segments = buffer[..count];
        return status;
    }

    private static GuestImageStatus Parse(ElfImageBuilder builder, ulong ramBytes = Ram) => Parse(builder.Build(), ramBytes, out _, out _);

    [Fact]
    public void ParsesATypicalImage()
    {
        byte[] file = Typical().Build();
        Assert.Equal(GuestImageStatus.Success, Parse(file, Ram, out GuestSegment[] segments, out ulong entry));
        Assert.Equal(0x1000UL, entry);
        Assert.Equal(3, segments.Length);

        Assert.Equal(new GuestSegment(0x1000, 0x1000, 0x1000, 0x1000, PageMeasureFlags.Executable | PageMeasureFlags.ReadOnly), segments[0]);
        Assert.Equal(new GuestSegment(0x3000, 0x2000, 0x800, 0x800, PageMeasureFlags.ReadOnly), segments[1]);
        Assert.Equal(new GuestSegment(0x5000, 0x3000, 0x100, 0x3000, PageMeasureFlags.None), segments[2]);
        Assert.Equal((0x5000UL, 0x8000UL, 3UL), (segments[2].PageStart, segments[2].PageEnd, segments[2].PageCount));
        Assert.Equal(0xA2, file[segments[2].FileOffset]);
    }

    [Theory]
    [InlineData(R, PageMeasureFlags.ReadOnly)]
    [InlineData(0u, PageMeasureFlags.ReadOnly)]
    [InlineData(R | W, PageMeasureFlags.None)]
    [InlineData(W, PageMeasureFlags.None)]
    [InlineData(R | X, PageMeasureFlags.Executable | PageMeasureFlags.ReadOnly)]
    [InlineData(X, PageMeasureFlags.Executable | PageMeasureFlags.ReadOnly)]
    [InlineData(R | W | X, PageMeasureFlags.Executable)]
    [InlineData(0xFFFF_FFF8u | R, PageMeasureFlags.ReadOnly)]   // OS/processor-specific flag bits are ignored
    public void SegmentFlagsBecomePageMeasureFlags(uint elfFlags, PageMeasureFlags expected)
    {
        byte[] file = new ElfImageBuilder().Load(R | X, 0x1000, 0x1000, 0x10, 0x10).Load(elfFlags, 0x2000, 0x8000, 0x10, 0x10).Build();
        Assert.Equal(GuestImageStatus.Success, Parse(file, Ram, out GuestSegment[] segments, out _));
        Assert.Equal(expected, segments[1].Flags);
    }

    [Theory]
    [InlineData(0x1234UL, 0x10UL, 0x1000UL, 0x2000UL)]
    [InlineData(0x1FFFUL, 0x2UL, 0x1000UL, 0x3000UL)]
    [InlineData(0x1000UL, 0x1001UL, 0x1000UL, 0x3000UL)]
    [InlineData(0x0UL, 0x1UL, 0x0UL, 0x1000UL)]
    public void UnalignedSegmentsCoverWholePages(ulong physical, ulong memorySize, ulong pageStart, ulong pageEnd)
    {
        var builder = new ElfImageBuilder { Entry = physical }.Load(R | X, 0x1000, physical, 1, memorySize);
        Assert.Equal(GuestImageStatus.Success, Parse(builder.Build(), Ram, out GuestSegment[] segments, out _));
        Assert.Equal(physical, segments[0].GuestPhysical);
        Assert.Equal((pageStart, pageEnd), (segments[0].PageStart, segments[0].PageEnd));
    }

    [Fact]
    public void RefusesShortFiles()
    {
        byte[] file = Typical().Build();
        for (int length = 0; length < 64; length++)
            Assert.Equal(GuestImageStatus.Truncated, GuestImage.Parse(file.AsSpan(0, length), Ram, new GuestSegment[16], out _, out _));
    }

    [Theory]
    [InlineData(0, 0x7E, GuestImageStatus.BadMagic)]
    [InlineData(1, (byte)'e', GuestImageStatus.BadMagic)]
    [InlineData(3, 0, GuestImageStatus.BadMagic)]
    [InlineData(4, 1, GuestImageStatus.NotElf64)]
    [InlineData(4, 0, GuestImageStatus.NotElf64)]
    [InlineData(5, 2, GuestImageStatus.NotLittleEndian)]
    [InlineData(5, 0, GuestImageStatus.NotLittleEndian)]
    [InlineData(6, 0, GuestImageStatus.BadVersion)]
    [InlineData(6, 2, GuestImageStatus.BadVersion)]
    public void RefusesBadIdentification(int index, byte value, GuestImageStatus expected)
    {
        ElfImageBuilder builder = Typical();
        builder.Ident[index] = value;
        Assert.Equal(expected, Parse(builder));
    }

    [Fact]
    public void IgnoresOsAbiAndIdentPadding()
    {
        ElfImageBuilder builder = Typical();
        builder.Ident[7] = 3;   // ELFOSABI_LINUX
        builder.Ident[8] = 1;
        builder.Ident[15] = 0xFF;
        Assert.Equal(GuestImageStatus.Success, Parse(builder));
    }

    [Theory]
    [InlineData(nameof(ElfImageBuilder.Version), 0u, GuestImageStatus.BadVersion)]
    [InlineData(nameof(ElfImageBuilder.Version), 2u, GuestImageStatus.BadVersion)]
    [InlineData(nameof(ElfImageBuilder.Type), 1u, GuestImageStatus.NotExecutable)]   // ET_REL
    [InlineData(nameof(ElfImageBuilder.Type), 3u, GuestImageStatus.NotExecutable)]   // ET_DYN (PIE)
    [InlineData(nameof(ElfImageBuilder.Type), 4u, GuestImageStatus.NotExecutable)]   // ET_CORE
    [InlineData(nameof(ElfImageBuilder.Machine), 3u, GuestImageStatus.WrongMachine)]  // i386
    [InlineData(nameof(ElfImageBuilder.Machine), 183u, GuestImageStatus.WrongMachine)] // AArch64
    [InlineData(nameof(ElfImageBuilder.HeaderSize), 52u, GuestImageStatus.BadHeaderSize)]
    [InlineData(nameof(ElfImageBuilder.HeaderSize), 128u, GuestImageStatus.BadHeaderSize)]
    [InlineData(nameof(ElfImageBuilder.ProgramHeaderSize), 32u, GuestImageStatus.BadProgramHeaderSize)]
    [InlineData(nameof(ElfImageBuilder.ProgramHeaderSize), 64u, GuestImageStatus.BadProgramHeaderSize)]
    [InlineData(nameof(ElfImageBuilder.ProgramHeaderCount), 17u, GuestImageStatus.TooManyProgramHeaders)]
    [InlineData(nameof(ElfImageBuilder.ProgramHeaderCount), 0xFFFFu, GuestImageStatus.TooManyProgramHeaders)]
    [InlineData(nameof(ElfImageBuilder.ProgramHeaderCount), 0u, GuestImageStatus.NoLoadableSegments)]
    public void RefusesBadHeaderFields(string field, uint value, GuestImageStatus expected)
    {
        ElfImageBuilder builder = Typical();
        switch (field)
        {
            case nameof(ElfImageBuilder.Version): builder.Version = value; break;
            case nameof(ElfImageBuilder.Type): builder.Type = (ushort)value; break;
            case nameof(ElfImageBuilder.Machine): builder.Machine = (ushort)value; break;
            case nameof(ElfImageBuilder.HeaderSize): builder.HeaderSize = (ushort)value; break;
            case nameof(ElfImageBuilder.ProgramHeaderSize): builder.ProgramHeaderSize = (ushort)value; break;
            case nameof(ElfImageBuilder.ProgramHeaderCount): builder.ProgramHeaderCount = (int)value; break;
        }
        Assert.Equal(expected, Parse(builder));
    }

    [Theory]
    [InlineData(0x4000UL)]                    // starts at the end of the file
    [InlineData(0x4000UL - 3 * 56 + 1)]       // the last header is one byte short
    [InlineData(0xFFFF_FFFF_FFFF_FFF0UL)]     // offset + size wraps
    [InlineData(0x8000_0000UL)]
    [InlineData(ulong.MaxValue)]
    public void RefusesAProgramHeaderTableOutsideTheFile(ulong offset)
    {
        ElfImageBuilder builder = Typical();
        builder.ProgramHeaderOffset = offset;
        Assert.Equal(GuestImageStatus.ProgramHeadersOutOfBounds, Parse(builder));
    }

    [Fact]
    public void AcceptsAProgramHeaderTableAtTheEndOfTheFile()
    {
        ElfImageBuilder builder = Typical();
        builder.ProgramHeaderOffset = 0x4000 - 3 * 56;
        builder.FileLength = 0x4000;
        Assert.Equal(GuestImageStatus.Success, Parse(builder));
    }

    [Fact]
    public void MaxProgramHeadersAreAccepted()
    {
        var builder = new ElfImageBuilder { FileLength = 0x2000 };
        for (int i = 0; i < GuestImage.MaxProgramHeaders; i++)
            builder.Load(R | X, 0x1000, 0x1000 + (ulong)i * 0x1000, 0x10, 0x1000);
        Assert.Equal(GuestImageStatus.Success, Parse(builder.Build(), Ram, out GuestSegment[] segments, out _));
        Assert.Equal(GuestImage.MaxProgramHeaders, segments.Length);
    }

    [Fact]
    public void OtherProgramHeadersAreIgnoredButAnInterpreterIsRefused()
    {
        ElfImageBuilder builder = Typical().Segment(Note, R, 0x2800, 0, 0x10, 0x10).Segment(GnuStack, R | W, 0, 0, 0, 0).Segment(Dynamic, R, 0xFFFF_FFFF, 0xFFFF_FFFF_FFFF_0000, 0xFFFF_FFFF, 1);
        Assert.Equal(GuestImageStatus.Success, Parse(builder.Build(), Ram, out GuestSegment[] segments, out _));
        Assert.Equal(3, segments.Length);

        Assert.Equal(GuestImageStatus.NeedsInterpreter, Parse(Typical().Segment(Interpreter, R, 0x2800, 0, 0x1C, 0x1C)));
    }

    [Fact]
    public void EmptyLoadSegmentsAreSkipped()
    {
        ElfImageBuilder builder = Typical().Load(R | W, 0, 0xFFFF_FFFF_FFFF_F000, 0, 0);
        Assert.Equal(GuestImageStatus.Success, Parse(builder.Build(), Ram, out GuestSegment[] segments, out _));
        Assert.Equal(3, segments.Length);
        Assert.Equal(GuestImageStatus.NoLoadableSegments, Parse(new ElfImageBuilder().Load(R | X, 0, 0x1000, 0, 0)));
        Assert.Equal(GuestImageStatus.NoLoadableSegments, Parse(new ElfImageBuilder().Segment(Note, R, 0x100, 0, 4, 4)));
    }

    [Theory]
    [InlineData(0x4001UL, 0UL)]                        // past the end, even with nothing to copy
    [InlineData(0x3000UL, 0x1001UL)]                   // one byte past the end
    [InlineData(0xFFFF_FFFF_FFFF_FFF0UL, 0x20UL)]      // offset + size wraps
    [InlineData(0x1000UL, 0xFFFF_FFFF_FFFF_F001UL)]
    public void RefusesSegmentsOutsideTheFile(ulong offset, ulong fileSize)
    {
        var builder = new ElfImageBuilder().Load(R | X, offset, 0x1000, fileSize, ulong.MaxValue / 2);
        Assert.Equal(GuestImageStatus.SegmentOutOfFile, Parse(builder));
    }

    [Fact]
    public void FileBytesMayEndExactlyAtTheEndOfTheFile()
    {
        var builder = new ElfImageBuilder().Load(R | X, 0x3000, 0x1000, 0x1000, 0x1000);
        Assert.Equal(GuestImageStatus.Success, Parse(builder));
    }

    [Fact]
    public void RefusesMoreFileBytesThanMemoryBytes()
    {
        var builder = new ElfImageBuilder().Load(R | X, 0x1000, 0x1000, 0x101, 0x100);
        Assert.Equal(GuestImageStatus.FileSizeExceedsMemorySize, Parse(builder));
    }

    [Theory]
    [InlineData(0xF_F000UL, 0x1000UL, Ram, true)]                  // ends exactly at the end of RAM
    [InlineData(0xF_F000UL, 0x1001UL, Ram, false)]
    [InlineData(0xF_FFFFUL, 0x1UL, Ram, true)]
    [InlineData(0x10_0000UL, 0x1UL, Ram, false)]
    [InlineData(0x0UL, Ram, Ram, true)]
    [InlineData(0x0UL, Ram + 1, Ram, false)]
    [InlineData(0xF_E000UL, 0x800UL, 0xF_F800UL, true)]             // RAM that is not whole pages:
    [InlineData(0xF_F000UL, 0x800UL, 0xF_F800UL, false)]            // the rounded-up page must fit
    [InlineData(0xF_F000UL, 0x7FFUL, 0xF_F800UL, false)]
    [InlineData(0xFFFF_FFFF_FFFF_F000UL, 0x1000UL, ulong.MaxValue, false)]
    [InlineData(0xFFFF_FFFF_FFFF_F000UL, 0x800UL, ulong.MaxValue, false)]   // the rounded end wraps
    [InlineData(0xFFFF_FFFF_FFFF_0000UL, 0x2_0000UL, ulong.MaxValue, false)] // paddr + memsz wraps
    [InlineData(0x1000UL, ulong.MaxValue, ulong.MaxValue, false)]
    [InlineData(0x1000UL, 0x1000UL, 0UL, false)]
    public void SegmentsMustFitInRamInWholePages(ulong physical, ulong memorySize, ulong ramBytes, bool fits)
    {
        var builder = new ElfImageBuilder { Entry = physical }.Load(R | X, 0x1000, physical, 1, memorySize);
        Assert.Equal(fits ? GuestImageStatus.Success : GuestImageStatus.SegmentOutsideRam, Parse(builder, ramBytes));
    }

    [Theory]
    [InlineData(0x1000UL, 0x800UL, 0x1800UL, 0x800UL, false)]   // two halves of one page
    [InlineData(0x1000UL, 0x801UL, 0x2000UL, 0x10UL, true)]     // neighbouring pages
    [InlineData(0x1000UL, 0x1001UL, 0x2800UL, 0x10UL, false)]   // the first spills into the second's page
    [InlineData(0x5000UL, 0x10UL, 0x1000UL, 0x4001UL, false)]   // in reverse order
    [InlineData(0x5000UL, 0x10UL, 0x1000UL, 0x4000UL, true)]
    [InlineData(0x1000UL, 0x10UL, 0x1000UL, 0x10UL, false)]     // identical
    [InlineData(0x1000UL, 0x8000UL, 0x3000UL, 0x10UL, false)]   // one inside the other
    public void SegmentsMustNotSharePages(ulong first, ulong firstSize, ulong second, ulong secondSize, bool valid)
    {
        var builder = new ElfImageBuilder { Entry = first }.Load(R | X, 0x1000, first, 0x10, firstSize).Load(R | W, 0x2000, second, 0x10, secondSize);
        Assert.Equal(valid ? GuestImageStatus.Success : GuestImageStatus.OverlappingSegments, Parse(builder));
    }

    [Theory]
    [InlineData(0x1000UL, GuestImageStatus.Success)]
    [InlineData(0x1FFFUL, GuestImageStatus.Success)]            // last byte of the code segment
    [InlineData(0x2000UL, GuestImageStatus.EntryNotExecutable)] // one past it
    [InlineData(0x0FFFUL, GuestImageStatus.EntryNotExecutable)]
    [InlineData(0x3000UL, GuestImageStatus.EntryNotExecutable)] // read-only data
    [InlineData(0x5000UL, GuestImageStatus.EntryNotExecutable)] // writable data
    [InlineData(0x0UL, GuestImageStatus.EntryNotExecutable)]
    [InlineData(ulong.MaxValue, GuestImageStatus.EntryNotExecutable)]
    public void EntryMustBeInAnExecutableSegment(ulong entry, GuestImageStatus expected)
    {
        ElfImageBuilder builder = Typical();
        builder.Entry = entry;
        Assert.Equal(expected, Parse(builder));
    }

    [Fact]
    public void EntryMayBeInTheZeroFilledPartOfAnExecutableSegment()
    {
        var builder = new ElfImageBuilder { Entry = 0x1800 }.Load(R | X, 0x1000, 0x1000, 0x100, 0x1000);
        Assert.Equal(GuestImageStatus.Success, Parse(builder));
    }

    [Fact]
    public void RefusesTooSmallASegmentSpan()
    {
        byte[] file = Typical().Build();
        Assert.Equal(GuestImageStatus.TooManySegments, GuestImage.Parse(file, Ram, new GuestSegment[2], out int count, out ulong entry));
        Assert.Equal((0, 0UL), (count, entry));
        Assert.Equal(GuestImageStatus.Success, GuestImage.Parse(file, Ram, new GuestSegment[3], out count, out _));
        Assert.Equal(3, count);
    }

    // Decode and validate come before perform: a refused image leaves the caller's span as it was.
    [Fact]
    public void ARefusedImageWritesNothing()
    {
        var sentinel = new GuestSegment(0xDEAD_0000, 1, 2, 3, PageMeasureFlags.All);
        var failures = new[]
        {
            Typical().Load(R, 0x1000, 0x7800, 0x10, 0x10).Load(R, 0x1000, 0x7000, 0x10, 0x10),   // overlap found at the fifth
            Typical().Load(R, 0x1000, 0x9000, 0x10, 0x10).Segment(Interpreter, R, 0, 0, 1, 1),
            new ElfImageBuilder { Entry = 0x3000 }.Load(R | X, 0x1000, 0x1000, 0x10, 0x10).Load(R, 0x1000, 0x3000, 0x10, 0x10),
        };
        foreach (ElfImageBuilder builder in failures)
        {
            var segments = new GuestSegment[16];
            Array.Fill(segments, sentinel);
            Assert.NotEqual(GuestImageStatus.Success, GuestImage.Parse(builder.Build(), Ram, segments, out int count, out ulong entry));
            Assert.Equal((0, 0UL), (count, entry));
            Assert.All(segments, s => Assert.Equal(sentinel, s));
        }
    }

    // The kernel's own image is an ELF64 executable loaded at physical addresses from 2 MiB.
    [FactWhenFileExists(KernelElf)]
    public void ParsesTheKernelImage()
    {
        byte[] file = File.ReadAllBytes(FactWhenFileExistsAttribute.Resolve(KernelElf));
        var expected = ReadLoadSegments(file);
        Assert.Equal(GuestImageStatus.Success, Parse(file, 64UL << 20, out GuestSegment[] segments, out ulong entry));
        Assert.Equal(BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(24)), entry);
        Assert.Equal(expected.Count, segments.Length);
        for (int i = 0; i < segments.Length; i++)
        {
            Assert.Equal(expected[i].Physical, segments[i].GuestPhysical);
            Assert.Equal(expected[i].Offset, (ulong)segments[i].FileOffset);
            Assert.Equal(expected[i].FileSize, (ulong)segments[i].FileSize);
            Assert.Equal(expected[i].MemorySize, segments[i].MemorySize);
        }
        // pvh.ld: code, read-only data, then data and bss; code is where it starts.
        Assert.Equal(PageMeasureFlags.Executable | PageMeasureFlags.ReadOnly, segments[0].Flags);
        Assert.Contains(segments, s => s.Flags == PageMeasureFlags.None);
        Assert.DoesNotContain(segments, s => s.Flags == PageMeasureFlags.Executable);
        Assert.InRange(entry, segments[0].GuestPhysical, segments[0].GuestPhysical + segments[0].MemorySize - 1);

        ulong end = 0;
        foreach (GuestSegment segment in segments)
            end = Math.Max(end, segment.PageEnd);
        Assert.Equal(GuestImageStatus.Success, Parse(file, end, out _, out _));
        Assert.Equal(GuestImageStatus.SegmentOutsideRam, Parse(file, end - 1, out _, out _));
        Assert.Equal(GuestImageStatus.SegmentOutsideRam, Parse(file, 1UL << 20, out _, out _));
        ulong fileEnd = 0;
        foreach (var load in expected)
            fileEnd = Math.Max(fileEnd, load.Offset + load.FileSize);
        Assert.Equal(GuestImageStatus.SegmentOutOfFile, GuestImage.Parse(file.AsSpan(0, (int)fileEnd - 1), 64UL << 20, new GuestSegment[16], out _, out _));
    }

    // An independent reading of the PT_LOAD headers (as readelf -l shows them).
    private static List<(ulong Offset, ulong Physical, ulong FileSize, ulong MemorySize)> ReadLoadSegments(byte[] file)
    {
        var result = new List<(ulong, ulong, ulong, ulong)>();
        ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(32));
        int phnum = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(56));
        for (int i = 0; i < phnum; i++)
        {
            ReadOnlySpan<byte> header = file.AsSpan((int)phoff + i * 56, 56);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) == LoadType && BinaryPrimitives.ReadUInt64LittleEndian(header[40..]) != 0)
                result.Add((BinaryPrimitives.ReadUInt64LittleEndian(header[8..]), BinaryPrimitives.ReadUInt64LittleEndian(header[24..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(header[32..]), BinaryPrimitives.ReadUInt64LittleEndian(header[40..])));
        }
        return result;
    }

    // Random bytes and random damage to valid images never throw; whatever is accepted keeps
    // every promise GuestSegment states.
    [Fact]
    public void RandomInputNeverThrowsAndAcceptedImagesKeepTheirPromises()
    {
        var random = new Random(3);
        byte[] valid = Typical().Load(R | X, 0x100, 0x9000, 0x30, 0x2000).Build();
        var statuses = new HashSet<GuestImageStatus>();
        for (int round = 0; round < 30_000; round++)
        {
            byte[] input;
            if (round % 3 == 0)
            {
                input = new byte[random.Next(0, 600)];
                random.NextBytes(input);
                if (input.Length >= 64 && round % 2 == 0)
                    Typical().Build().AsSpan(0, 20).CopyTo(input);   // a good identification
            }
            else
            {
                input = (byte[])valid.Clone();
                // Damage the headers most of the time: that is where the decisions are.
                for (int flips = random.Next(1, 5); flips > 0; flips--)
                {
                    int at = random.Next(4) == 0 ? random.Next(input.Length) : random.Next(64 + 4 * 56);
                    input[at] = random.Next(3) == 0 ? (byte)(input[at] ^ (1 << random.Next(8))) : (byte)random.Next(256);
                }
                if (random.Next(8) == 0)
                    input = input.AsSpan(0, random.Next(input.Length)).ToArray();
            }
            ulong ram = random.Next(2) == 0 ? Ram : (ulong)random.NextInt64();
            var segments = new GuestSegment[random.Next(0, 17)];
            GuestImageStatus status = GuestImage.Parse(input, ram, segments, out int count, out ulong entry);
            statuses.Add(status);
            if (status != GuestImageStatus.Success)
            {
                Assert.Equal((0, 0UL), (count, entry));
                continue;
            }
            bool entryFound = false;
            for (int i = 0; i < count; i++)
            {
                GuestSegment s = segments[i];
                Assert.InRange((long)s.FileOffset + s.FileSize, 0, input.Length);
                Assert.True(s.FileOffset >= 0 && (ulong)s.FileSize <= s.MemorySize && s.MemorySize > 0);
                Assert.True(s.PageStart < s.PageEnd && s.PageEnd <= ram);
                for (int j = 0; j < i; j++)
                    Assert.True(s.PageEnd <= segments[j].PageStart || segments[j].PageEnd <= s.PageStart);
                entryFound |= (s.Flags & PageMeasureFlags.Executable) != 0 && entry >= s.GuestPhysical && entry - s.GuestPhysical < s.MemorySize;
            }
            Assert.True(entryFound);
        }
        Assert.Contains(GuestImageStatus.Success, statuses);
        Assert.True(statuses.Count >= 10, string.Join(", ", statuses));
    }
}
