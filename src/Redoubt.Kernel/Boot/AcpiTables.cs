using System;
using Redoubt.Kernel.Virtualization;

namespace Redoubt.Kernel.Boot;

// The firmware's ACPI tables, read from the RSDP: finding a table, the CPUs in the MADT
// (AcpiTables.Madt.cs), and hiding the tables of the devices Redoubt keeps from Dom0, with
// their register windows (AcpiTables.Hide.cs, AcpiTables.Windows.cs). Everything read is
// untrusted: each length, count and address is checked before use, every loop is bounded by a
// checked length, and every outcome is an AcpiStatus. No table is read past MaxTableLength.
// The root tables are checked as a whole before any operation: the RSDP (checksum, and from
// revision 2 its Length and extended checksum), the XSDT and RSDT when their addresses are
// set (signature, Length, checksum), and every table they list (a readable header with a sane
// Length, no duplicates within a root, no overlap with the RSDP or a root table: that also
// refuses cycles such as a root listing itself).
public static partial class AcpiTables
{
    // Far above any table a machine has (the largest, the DSDT, is not listed by the roots);
    // bounds every read and loop.
    public const uint MaxTableLength = 1 << 20;
    // Machines list a few dozen tables; the bound keeps the duplicate check's cost small.
    public const int MaxRootEntries = 512;

    // System description table header (ACPI 6.5 5.2.6): Signature at 0, Length at 4, Checksum
    // at 9; 36 bytes.
    public const int HeaderSize = 36;
    private const int LengthOffset = 4, ChecksumOffset = 9;

    // RSDP (ACPI 6.5 5.2.5.3): Signature at 0, Checksum of bytes 0-19 at 8, Revision at 15,
    // RsdtAddress at 16; from revision 2 also Length at 20, XsdtAddress at 24 and the Extended
    // Checksum of Length bytes at 32.
    private const int RsdpV1Size = 20, RsdpRevision = 15, RsdpRsdtAddress = 16, RsdpLength = 20, RsdpXsdtAddress = 24;
    private const int RsdpV2Size = 36;
    // The RSDP has been 36 bytes since ACPI 2.0; the bound only keeps the checksum short.
    private const uint MaxRsdpLength = 4096;

    // RSDT entries are 32-bit table addresses (ACPI 6.5 5.2.7), XSDT entries 64-bit (5.2.8),
    // both from offset 36 (unaligned: the XSDT's 64-bit entries start at a 4-byte offset).
    private const int RsdtEntrySize = 4, XsdtEntrySize = 8;

    // Bytes summed or copied per read.
    private const int ChunkSize = 64;

    private static ReadOnlySpan<byte> RsdpSignature => "RSD PTR "u8;

    // The first table with this signature in the XSDT when there is one, else in the RSDT (as
    // Linux chooses), after checking the root tables as a whole and the found table's
    // checksum. On failure address and length are 0.
    public static AcpiStatus FindTable<TMemory>(ref TMemory memory, ulong rsdp, uint signature, out ulong address, out uint length)
        where TMemory : struct, IAcpiMemory
    {
        address = 0;
        length = 0;
        AcpiStatus status = DecodeRoots(ref memory, rsdp, out Roots roots);
        if (status != AcpiStatus.Success)
            return status;

        RootTable root = roots.Xsdt.Present ? roots.Xsdt : roots.Rsdt;
        for (int i = 0; i < root.Count; i++)
        {
            if (!TryReadEntry(ref memory, root, i, out ulong entry))
                return AcpiStatus.TableUnreadable;
            if (entry == 0)
                continue;
            status = ReadHeader(ref memory, entry, out uint entrySignature, out uint entryLength);
            if (status != AcpiStatus.Success)
                return status;
            if (entrySignature != signature)
                continue;
            status = CheckChecksum(ref memory, entry, entryLength);
            if (status != AcpiStatus.Success)
                return status;
            address = entry;
            length = entryLength;
            return AcpiStatus.Success;
        }
        return AcpiStatus.NotFound;
    }

    // The RSDP and the root tables, checked as described above.
    private static AcpiStatus DecodeRoots<TMemory>(ref TMemory memory, ulong rsdp, out Roots roots)
        where TMemory : struct, IAcpiMemory
    {
        roots = default;
        Span<byte> bytes = stackalloc byte[RsdpV2Size];
        if (!TryRead(ref memory, rsdp, bytes.Slice(0, RsdpV1Size)))
            return AcpiStatus.RsdpUnreadable;
        if (!ByteSpans.Same(bytes.Slice(0, RsdpSignature.Length), RsdpSignature))
            return AcpiStatus.BadRsdpSignature;
        if (Sum(bytes.Slice(0, RsdpV1Size)) != 0)
            return AcpiStatus.BadRsdpChecksum;

        uint rsdpLength = RsdpV1Size;
        ulong xsdt = 0;
        // Revision 2 (ACPI 2.0) added the XSDT; like ACPICA, revision 1 reads as 1.0.
        if (bytes[RsdpRevision] >= 2)
        {
            if (!TryRead(ref memory, rsdp, bytes))
                return AcpiStatus.RsdpUnreadable;
            rsdpLength = LittleEndian.ReadUInt32(bytes, RsdpLength);
            if (rsdpLength < RsdpV2Size || rsdpLength > MaxRsdpLength)
                return AcpiStatus.BadRsdpLength;
            if (!TrySum(ref memory, rsdp, rsdpLength, out byte sum))
                return AcpiStatus.RsdpUnreadable;
            if (sum != 0)
                return AcpiStatus.BadRsdpExtendedChecksum;
            xsdt = LittleEndian.ReadUInt64(bytes, RsdpXsdtAddress);
        }
        ulong rsdt = LittleEndian.ReadUInt32(bytes, RsdpRsdtAddress);
        if (xsdt == 0 && rsdt == 0)
            return AcpiStatus.NoRootTable;
        roots.Rsdp = rsdp;
        roots.RsdpLength = rsdpLength;

        AcpiStatus status;
        if (xsdt != 0)
        {
            status = DecodeRoot(ref memory, xsdt, AcpiSignature.Xsdt, XsdtEntrySize, out roots.Xsdt);
            if (status != AcpiStatus.Success)
                return status;
        }
        if (rsdt != 0)
        {
            status = DecodeRoot(ref memory, rsdt, AcpiSignature.Rsdt, RsdtEntrySize, out roots.Rsdt);
            if (status != AcpiStatus.Success)
                return status;
        }
        if (roots.OverlapsRsdp(roots.Xsdt.Address, roots.Xsdt.Length) || roots.OverlapsRsdp(roots.Rsdt.Address, roots.Rsdt.Length)
            || (roots.Xsdt.Present && roots.Rsdt.Present && Overlap(roots.Xsdt.Address, roots.Xsdt.Length, roots.Rsdt.Address, roots.Rsdt.Length)))
            return AcpiStatus.OverlappingTables;

        status = CheckEntries(ref memory, roots, roots.Xsdt);
        if (status != AcpiStatus.Success)
            return status;
        return CheckEntries(ref memory, roots, roots.Rsdt);
    }

    private static AcpiStatus DecodeRoot<TMemory>(ref TMemory memory, ulong address, uint signature, int entrySize, out RootTable root)
        where TMemory : struct, IAcpiMemory
    {
        root = default;
        if (!TryReadRawHeader(ref memory, address, out uint actual, out uint length))
            return AcpiStatus.TableUnreadable;
        if (actual != signature)
            return AcpiStatus.WrongSignature;
        if (!SaneLength(address, length) || (length - HeaderSize) % (uint)entrySize != 0)
            return AcpiStatus.BadTableLength;
        if ((length - HeaderSize) / (uint)entrySize > MaxRootEntries)
            return AcpiStatus.TooManyEntries;
        AcpiStatus status = CheckChecksum(ref memory, address, length);
        if (status != AcpiStatus.Success)
            return status;
        root = new RootTable(address, length, entrySize);
        return AcpiStatus.Success;
    }

    // Every listed table has a readable header with a sane Length, lies apart from the RSDP
    // and the root tables, and is listed once in this root. Null entries are skipped, as
    // ACPICA skips them.
    private static AcpiStatus CheckEntries<TMemory>(ref TMemory memory, in Roots roots, RootTable root)
        where TMemory : struct, IAcpiMemory
    {
        for (int i = 0; i < root.Count; i++)
        {
            if (!TryReadEntry(ref memory, root, i, out ulong entry))
                return AcpiStatus.TableUnreadable;
            if (entry == 0)
                continue;
            // A header inside a root is refused before its Length is believed.
            if (entry <= ulong.MaxValue - HeaderSize && roots.OverlapsRoots(entry, HeaderSize))
                return AcpiStatus.OverlappingTables;
            AcpiStatus status = ReadHeader(ref memory, entry, out _, out uint length);
            if (status != AcpiStatus.Success)
                return status;
            if (roots.OverlapsRoots(entry, length))
                return AcpiStatus.OverlappingTables;
            for (int j = 0; j < i; j++)
            {
                if (!TryReadEntry(ref memory, root, j, out ulong earlier))
                    return AcpiStatus.TableUnreadable;
                if (earlier == entry)
                    return AcpiStatus.DuplicateEntry;
            }
        }
        return AcpiStatus.Success;
    }

    // A table header's signature and Length, with Length checked against the bounds every
    // table shares.
    private static AcpiStatus ReadHeader<TMemory>(ref TMemory memory, ulong address, out uint signature, out uint length)
        where TMemory : struct, IAcpiMemory
    {
        length = 0;
        if (!TryReadRawHeader(ref memory, address, out signature, out uint declared))
            return AcpiStatus.TableUnreadable;
        if (!SaneLength(address, declared))
        {
            signature = 0;
            return AcpiStatus.BadTableLength;
        }
        length = declared;
        return AcpiStatus.Success;
    }

    private static bool TryReadRawHeader<TMemory>(ref TMemory memory, ulong address, out uint signature, out uint length)
        where TMemory : struct, IAcpiMemory
    {
        Span<byte> header = stackalloc byte[8];
        bool read = TryRead(ref memory, address, header);
        signature = read ? LittleEndian.ReadUInt32(header, 0) : 0;
        length = read ? LittleEndian.ReadUInt32(header, LengthOffset) : 0;
        return read;
    }

    private static bool SaneLength(ulong address, uint length) =>
        length >= HeaderSize && length <= MaxTableLength && address <= ulong.MaxValue - length;

    // ACPI 6.5 5.2.6: all Length bytes of a table, its Checksum included, sum to zero.
    private static AcpiStatus CheckChecksum<TMemory>(ref TMemory memory, ulong address, uint length)
        where TMemory : struct, IAcpiMemory
    {
        if (!TrySum(ref memory, address, length, out byte sum))
            return AcpiStatus.TableUnreadable;
        return sum == 0 ? AcpiStatus.Success : AcpiStatus.BadTableChecksum;
    }

    private static bool TryReadEntry<TMemory>(ref TMemory memory, RootTable root, int index, out ulong entry)
        where TMemory : struct, IAcpiMemory
    {
        entry = 0;
        Span<byte> bytes = stackalloc byte[XsdtEntrySize];
        Span<byte> used = bytes.Slice(0, root.EntrySize);
        if (!TryRead(ref memory, root.EntryAddress(index), used))
            return false;
        entry = root.EntrySize == XsdtEntrySize ? LittleEndian.ReadUInt64(used, 0) : LittleEndian.ReadUInt32(used, 0);
        return true;
    }

    private static bool TrySum<TMemory>(ref TMemory memory, ulong address, uint length, out byte sum)
        where TMemory : struct, IAcpiMemory
    {
        sum = 0;
        if (address > ulong.MaxValue - length)
            return false;
        Span<byte> chunk = stackalloc byte[ChunkSize];
        for (uint done = 0; done < length;)
        {
            int size = length - done < ChunkSize ? (int)(length - done) : ChunkSize;
            if (!memory.TryRead(address + done, chunk.Slice(0, size)))
                return false;
            sum += Sum(chunk.Slice(0, size));
            done += (uint)size;
        }
        return true;
    }

    // Reads that never ask the memory for a range that wraps.
    private static bool TryRead<TMemory>(ref TMemory memory, ulong address, Span<byte> destination)
        where TMemory : struct, IAcpiMemory =>
        address <= ulong.MaxValue - (ulong)destination.Length && memory.TryRead(address, destination);

    private static bool TryWrite<TMemory>(ref TMemory memory, ulong address, ReadOnlySpan<byte> source)
        where TMemory : struct, IAcpiMemory =>
        address <= ulong.MaxValue - (ulong)source.Length && memory.TryWrite(address, source);

    private static byte Sum(ReadOnlySpan<byte> bytes)
    {
        byte sum = 0;
        foreach (byte b in bytes)
            sum += b;
        return sum;
    }

    // Callers have checked that neither range wraps.
    private static bool Overlap(ulong first, ulong firstLength, ulong second, ulong secondLength) =>
        first < second + secondLength && second < first + firstLength;

    // A checked RSDT or XSDT. Address 0 means the RSDP names none.
    private readonly struct RootTable
    {
        public RootTable(ulong address, uint length, int entrySize)
        {
            Address = address;
            Length = length;
            EntrySize = entrySize;
        }

        public ulong Address { get; }
        public uint Length { get; }
        public int EntrySize { get; }

        public bool Present => Address != 0;

        public int Count => Present ? (int)((Length - HeaderSize) / (uint)EntrySize) : 0;

        public ulong EntryAddress(int index) => Address + HeaderSize + (ulong)index * (ulong)EntrySize;
    }

    // The RSDP and the root tables it names, all checked.
    private struct Roots
    {
        public ulong Rsdp;
        public uint RsdpLength;
        public RootTable Xsdt;
        public RootTable Rsdt;

        public readonly bool OverlapsRsdp(ulong address, ulong length) =>
            length != 0 && Overlap(Rsdp, RsdpLength, address, length);

        public readonly bool OverlapsRoots(ulong address, ulong length) =>
            OverlapsRsdp(address, length)
            || (Xsdt.Present && Overlap(Xsdt.Address, Xsdt.Length, address, length))
            || (Rsdt.Present && Overlap(Rsdt.Address, Rsdt.Length, address, length));
    }
}
