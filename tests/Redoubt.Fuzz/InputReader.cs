using System;
using System.Buffers.Binary;

namespace Redoubt.Fuzz;

// Reads fuzz input front to back. Past the end every read yields zeros, so every byte string
// decodes to something and decoding itself never fails.
public ref struct InputReader
{
    private readonly ReadOnlySpan<byte> _input;
    private int _position;

    public InputReader(ReadOnlySpan<byte> input)
    {
        _input = input;
        _position = 0;
    }

    public readonly bool AtEnd => _position >= _input.Length;

    public byte ReadByte() => _position < _input.Length ? _input[_position++] : (byte)0;

    public ushort ReadUInt16()
    {
        Span<byte> bytes = stackalloc byte[2];
        ReadInto(bytes);
        return BinaryPrimitives.ReadUInt16LittleEndian(bytes);
    }

    public ulong ReadUInt64()
    {
        Span<byte> bytes = stackalloc byte[8];
        ReadInto(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    // Up to count bytes, fewer when the input ends first.
    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        int available = Math.Min(count, Math.Max(0, _input.Length - _position));
        ReadOnlySpan<byte> bytes = _input.Slice(_position, available);
        _position += available;
        return bytes;
    }

    private void ReadInto(scoped Span<byte> destination)
    {
        destination.Clear();
        ReadBytes(destination.Length).CopyTo(destination);
    }
}
