using System;
using System.Collections.Generic;
using System.Linq;
using Redoubt.Kernel.Boot;

namespace Redoubt.Kernel.Tests.Boot;

// Physical memory for the ACPI tests: byte arrays placed at physical addresses. A read or write
// succeeds only inside one region; ranges can be made read-only, and writes can be made to fail
// after a number of them (a memory that breaks its promise). Counts writes and the writes that
// changed something, keeps snapshots.
public sealed class AcpiTestMachine
{
    private readonly List<(ulong Base, byte[] Bytes)> _regions = new();
    private readonly List<(ulong Start, ulong End)> _readOnly = new();

    public int Writes { get; private set; }

    // Writes through TryWrite that changed at least one byte.
    public int Changes { get; private set; }

    // Writes after this many succeed fail (null: never).
    public int? FailWritesAfter { get; set; }

    public AcpiTestMemory Memory => new(this);

    public AcpiTestMachine Add(ulong address, byte[] bytes)
    {
        _regions.Add((address, bytes));
        return this;
    }

    public AcpiTestMachine ReadOnly(ulong start, ulong length)
    {
        _readOnly.Add((start, start + length));
        return this;
    }

    // A copy of every region, to compare before and after.
    public byte[][] Snapshot() => _regions.Select(r => (byte[])r.Bytes.Clone()).ToArray();

    public bool Matches(byte[][] snapshot) => _regions.Select(r => r.Bytes).Zip(snapshot).All(p => p.First.AsSpan().SequenceEqual(p.Second));

    public AcpiTestMachine Clone()
    {
        var copy = new AcpiTestMachine();
        foreach (var (address, bytes) in _regions)
            copy.Add(address, (byte[])bytes.Clone());
        return copy;
    }

    public byte[] Read(ulong address, int length)
    {
        var bytes = new byte[length];
        if (!TryRead(address, bytes))
            throw new ArgumentOutOfRangeException(nameof(address));
        return bytes;
    }

    public void Write(ulong address, ReadOnlySpan<byte> bytes)
    {
        if (!Locate(address, bytes.Length, out byte[] region, out int offset))
            throw new ArgumentOutOfRangeException(nameof(address));
        bytes.CopyTo(region.AsSpan(offset));
    }

    // The region bytes at [address, address + length), for tests that damage tables in place.
    public Span<byte> Bytes(ulong address, int length)
    {
        if (!Locate(address, length, out byte[] region, out int offset))
            throw new ArgumentOutOfRangeException(nameof(address));
        return region.AsSpan(offset, length);
    }

    internal bool TryRead(ulong address, Span<byte> destination)
    {
        if (!Locate(address, destination.Length, out byte[] region, out int offset))
            return false;
        region.AsSpan(offset, destination.Length).CopyTo(destination);
        return true;
    }

    internal bool TryWrite(ulong address, ReadOnlySpan<byte> source)
    {
        if (!Locate(address, source.Length, out byte[] region, out int offset))
            return false;
        ulong end = address + (ulong)source.Length;
        if (_readOnly.Any(r => address < r.End && r.Start < end))
            return false;
        if (FailWritesAfter is int limit && Writes >= limit)
            return false;
        Writes++;
        if (!source.SequenceEqual(region.AsSpan(offset, source.Length)))
            Changes++;
        source.CopyTo(region.AsSpan(offset));
        return true;
    }

    private bool Locate(ulong address, int length, out byte[] region, out int offset)
    {
        foreach (var (regionBase, bytes) in _regions)
        {
            if (address >= regionBase && address - regionBase <= (ulong)bytes.Length && (ulong)length <= (ulong)bytes.Length - (address - regionBase))
            {
                region = bytes;
                offset = (int)(address - regionBase);
                return true;
            }
        }
        region = [];
        offset = 0;
        return false;
    }
}
