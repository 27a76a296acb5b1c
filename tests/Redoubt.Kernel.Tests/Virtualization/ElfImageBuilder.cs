using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Redoubt.Kernel.Tests.Virtualization;

// Writes ELF64 images field by field, so a test can set any field to any value: a valid
// x86-64 executable by default, program headers right after the ELF header, each segment's
// file bytes filled with a pattern derived from its index.
internal sealed class ElfImageBuilder
{
    public const uint LoadType = 1, Dynamic = 2, Interpreter = 3, Note = 4, GnuStack = 0x6474E551;
    public const uint X = 1, W = 2, R = 4;

    public byte[] Ident = [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    public ushort Type = 2, Machine = 62, HeaderSize = 64, ProgramHeaderSize = 56;
    public uint Version = 1;
    public ulong Entry = 0x1000;
    public ulong ProgramHeaderOffset = 64;
    public int? ProgramHeaderCount;
    public int FileLength = 0x4000;

    private readonly List<(uint Type, uint Flags, ulong Offset, ulong Physical, ulong FileSize, ulong MemorySize)> _headers = new();

    public ElfImageBuilder Segment(uint type, uint flags, ulong offset, ulong physical, ulong fileSize, ulong memorySize)
    {
        _headers.Add((type, flags, offset, physical, fileSize, memorySize));
        return this;
    }

    public ElfImageBuilder Load(uint flags, ulong offset, ulong physical, ulong fileSize, ulong memorySize) =>
        Segment(LoadType, flags, offset, physical, fileSize, memorySize);

    public byte[] Build()
    {
        byte[] file = new byte[FileLength];
        Span<byte> span = file;
        Ident.AsSpan(0, Math.Min(16, Ident.Length)).CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[16..], Type);
        BinaryPrimitives.WriteUInt16LittleEndian(span[18..], Machine);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], Version);
        BinaryPrimitives.WriteUInt64LittleEndian(span[24..], Entry);
        BinaryPrimitives.WriteUInt64LittleEndian(span[32..], ProgramHeaderOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(span[52..], HeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(span[54..], ProgramHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(span[56..], (ushort)(ProgramHeaderCount ?? _headers.Count));
        for (int i = 0; i < _headers.Count; i++)
        {
            var (type, flags, offset, physical, fileSize, memorySize) = _headers[i];
            // Segment contents first: headers written later win where they overlap.
            for (ulong b = 0; b < fileSize && offset + b < (ulong)file.Length && offset + b >= offset; b++)
                file[offset + b] = (byte)(0xA0 + (ulong)i + b);
        }
        for (int i = 0; i < _headers.Count; i++)
        {
            var (type, flags, offset, physical, fileSize, memorySize) = _headers[i];
            ulong at = ProgramHeaderOffset + (ulong)(i * 56);
            if (at < ProgramHeaderOffset || at > (ulong)file.Length - 56)
                continue;
            Span<byte> header = span.Slice((int)at, 56);
            BinaryPrimitives.WriteUInt32LittleEndian(header, type);
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], flags);
            BinaryPrimitives.WriteUInt64LittleEndian(header[8..], offset);
            BinaryPrimitives.WriteUInt64LittleEndian(header[16..], physical);   // p_vaddr = p_paddr
            BinaryPrimitives.WriteUInt64LittleEndian(header[24..], physical);
            BinaryPrimitives.WriteUInt64LittleEndian(header[32..], fileSize);
            BinaryPrimitives.WriteUInt64LittleEndian(header[40..], memorySize);
            BinaryPrimitives.WriteUInt64LittleEndian(header[48..], 0x1000);
        }
        return file;
    }

    // A small valid image: code at 0x1000 (entry), read-only data at 0x3000, data and bss at 0x5000.
    public static ElfImageBuilder Typical() => new ElfImageBuilder()
        .Load(R | X, 0x1000, 0x1000, 0x1000, 0x1000)
        .Load(R, 0x2000, 0x3000, 0x800, 0x800)
        .Load(R | W, 0x3000, 0x5000, 0x100, 0x3000);
}
