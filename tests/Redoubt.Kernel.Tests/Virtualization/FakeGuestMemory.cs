using System;
using System.Collections.Generic;
using System.Buffers.Binary;
using Redoubt.Kernel.Virtualization;

namespace Redoubt.Kernel.Tests.Virtualization;

// Guest-physical memory for page-walk tests: 4 KiB pages that exist once written (the rest is
// "not mapped in the nested table"), and a log of every qword read.
internal sealed class FakeGuestMemory
{
    private readonly Dictionary<ulong, byte[]> _pages = new();

    public List<ulong> Reads { get; } = new();

    public void Write64(ulong address, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Page(address).AsSpan((int)(address & 0xFFF)), value);

    public void Write32(ulong address, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Page(address).AsSpan((int)(address & 0xFFF)), value);

    public void WriteBytes(ulong address, ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
            Page(address + (ulong)i)[(address + (ulong)i) & 0xFFF] = bytes[i];
    }

    public void Unmap(ulong address) => _pages.Remove(address & ~0xFFFUL);

    public bool TryRead(ulong address, out ulong value)
    {
        if (address % 8 != 0)
            throw new InvalidOperationException($"unaligned qword read at {address:X}");
        Reads.Add(address);
        value = 0;
        if (!_pages.TryGetValue(address & ~0xFFFUL, out byte[]? page))
            return false;
        value = BinaryPrimitives.ReadUInt64LittleEndian(page.AsSpan((int)(address & 0xFFF)));
        return true;
    }

    public Reader AsReader() => new(this);

    private byte[] Page(ulong address)
    {
        if (!_pages.TryGetValue(address & ~0xFFFUL, out byte[]? page))
            _pages[address & ~0xFFFUL] = page = new byte[4096];
        return page;
    }

    public struct Reader : IGuestPhysicalReader
    {
        private readonly FakeGuestMemory _memory;

        public Reader(FakeGuestMemory memory) => _memory = memory;

        public bool TryReadQword(ulong guestPhysical, out ulong value) => _memory.TryRead(guestPhysical, out value);
    }
}
