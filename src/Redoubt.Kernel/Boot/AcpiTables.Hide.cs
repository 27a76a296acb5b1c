using System;
using Redoubt.Kernel.Virtualization;

namespace Redoubt.Kernel.Boot;

// Hiding the tables of the devices Redoubt keeps (the IOMMU: DMAR, IVRS; the TPM: TPM2, TCPA)
// from Dom0 before it boots, so its drivers never look for them. Dom0 finds tables through
// the root tables only: Linux reads the XSDT when there is one, but falls back to the RSDT
// when the XSDT holds a null entry or none at all (ACPICA's acpi_tb_validate_xsdt), so both
// are rewritten.
public static partial class AcpiTables
{
    // Decode and validate, then perform:
    // - the root tables are checked as FindTable checks them; every listed table with one of
    //   the signatures is reported in hidden (once, though both roots list it) and must sum to
    //   zero and lie apart from every other listed table; its register windows are decoded
    //   (AcpiTables.Windows.cs) into windows, each distinct window once;
    // - every byte that will be written is first written with the value it already has, so a
    //   range the memory refuses to write stops the operation before anything changed;
    // - then each root that lists a hidden table is rewritten in place: the remaining entries
    //   keep their order and move down, Length shrinks, the freed tail is zeroed (no stale
    //   address of a hidden table stays behind) and the checksum is recomputed;
    // - last, each hidden table's signature becomes AcpiSignature.Hidden ("RDBT"), so nobody
    //   scanning memory for "DMAR" finds it. Its checksum is not fixed, on purpose: a table
    //   that does not sum to zero is invalid under any signature (ACPI 6.5 5.2.6), so no
    //   parser takes the remains for a real table. A signature whose bytes add up like
    //   "RDBT"'s would leave the sum at zero; then the checksum byte is bumped by one.
    // On any refusal memory is unchanged, hiddenCount and windowCount are 0 and the spans'
    // contents are unspecified. With nothing to hide nothing is written. A second call finds
    // nothing left to hide.
    public static AcpiStatus HideTables<TMemory>(ref TMemory memory, ulong rsdp, ReadOnlySpan<uint> signatures,
        Span<AcpiHiddenTable> hidden, out int hiddenCount, Span<AcpiRegisterWindow> windows, out int windowCount)
        where TMemory : struct, IAcpiMemory
    {
        hiddenCount = 0;
        windowCount = 0;
        AcpiStatus status = DecodeRoots(ref memory, rsdp, out Roots roots);
        if (status != AcpiStatus.Success)
            return status;

        int found = 0;
        status = CollectHidden(ref memory, roots.Xsdt, signatures, hidden, ref found, out int inXsdt);
        if (status != AcpiStatus.Success)
            return status;
        status = CollectHidden(ref memory, roots.Rsdt, signatures, hidden, ref found, out int inRsdt);
        if (status != AcpiStatus.Success)
            return status;
        ReadOnlySpan<AcpiHiddenTable> targets = hidden.Slice(0, found);

        int windowsFound = 0;
        foreach (AcpiHiddenTable table in targets)
        {
            status = CheckChecksum(ref memory, table.Address, table.Length);
            if (status != AcpiStatus.Success)
                return status;
            status = CheckApart(ref memory, roots.Xsdt, table);
            if (status != AcpiStatus.Success)
                return status;
            status = CheckApart(ref memory, roots.Rsdt, table);
            if (status != AcpiStatus.Success)
                return status;
            status = AddWindows(ref memory, table, windows, ref windowsFound);
            if (status != AcpiStatus.Success)
                return status;
        }

        if ((inXsdt > 0 && !TryRewriteInPlace(ref memory, roots.Xsdt.Address, roots.Xsdt.Length))
            || (inRsdt > 0 && !TryRewriteInPlace(ref memory, roots.Rsdt.Address, roots.Rsdt.Length)))
            return AcpiStatus.NotWritable;
        foreach (AcpiHiddenTable table in targets)
        {
            if (!TryRewriteInPlace(ref memory, table.Address, 4)
                || (StillSumsToZero(table.Signature) && !TryRewriteInPlace(ref memory, table.Address + ChecksumOffset, 1)))
                return AcpiStatus.NotWritable;
        }

        // Perform. Nothing below can fail unless the memory breaks its promise.
        if ((inXsdt > 0 && !TryCompact(ref memory, roots.Xsdt, targets)) || (inRsdt > 0 && !TryCompact(ref memory, roots.Rsdt, targets)))
            return AcpiStatus.WriteFailed;
        foreach (AcpiHiddenTable table in targets)
        {
            if (!TryMark(ref memory, table))
                return AcpiStatus.WriteFailed;
        }
        hiddenCount = found;
        windowCount = windowsFound;
        return AcpiStatus.Success;
    }

    // Appends the tables this root lists with one of the signatures and not yet in hidden;
    // matches counts this root's entries that point at such a table.
    private static AcpiStatus CollectHidden<TMemory>(ref TMemory memory, RootTable root, ReadOnlySpan<uint> signatures,
        Span<AcpiHiddenTable> hidden, ref int found, out int matches)
        where TMemory : struct, IAcpiMemory
    {
        matches = 0;
        for (int i = 0; i < root.Count; i++)
        {
            if (!TryReadEntry(ref memory, root, i, out ulong entry))
                return AcpiStatus.TableUnreadable;
            if (entry == 0)
                continue;
            AcpiStatus status = ReadHeader(ref memory, entry, out uint signature, out uint length);
            if (status != AcpiStatus.Success)
                return status;
            if (!Contains(signatures, signature))
                continue;
            matches++;
            if (Lists(hidden.Slice(0, found), entry))
                continue;
            if (found == hidden.Length)
                return AcpiStatus.TooManyHiddenTables;
            hidden[found++] = new AcpiHiddenTable(signature, entry, length);
        }
        return AcpiStatus.Success;
    }

    // No other table this root lists overlaps the table to be hidden, so neither marking it
    // nor (by the root checks) rewriting a root changes a table Dom0 keeps.
    private static AcpiStatus CheckApart<TMemory>(ref TMemory memory, RootTable root, AcpiHiddenTable table)
        where TMemory : struct, IAcpiMemory
    {
        for (int i = 0; i < root.Count; i++)
        {
            if (!TryReadEntry(ref memory, root, i, out ulong entry))
                return AcpiStatus.TableUnreadable;
            if (entry == 0 || entry == table.Address)
                continue;
            AcpiStatus status = ReadHeader(ref memory, entry, out _, out uint length);
            if (status != AcpiStatus.Success)
                return status;
            if (Overlap(entry, length, table.Address, table.Length))
                return AcpiStatus.OverlappingTables;
        }
        return AcpiStatus.Success;
    }

    // Moves the kept entries down over the removed ones, zeroes the freed tail, then sets
    // Length and the checksum.
    private static bool TryCompact<TMemory>(ref TMemory memory, RootTable root, ReadOnlySpan<AcpiHiddenTable> targets)
        where TMemory : struct, IAcpiMemory
    {
        Span<byte> bytes = stackalloc byte[XsdtEntrySize];
        Span<byte> entryBytes = bytes.Slice(0, root.EntrySize);
        int kept = 0;
        for (int i = 0; i < root.Count; i++)
        {
            if (!TryReadEntry(ref memory, root, i, out ulong entry))
                return false;
            if (entry != 0 && Lists(targets, entry))
                continue;
            if (kept != i)
            {
                if (root.EntrySize == XsdtEntrySize)
                    LittleEndian.WriteUInt64(entryBytes, 0, entry);
                else
                    LittleEndian.WriteUInt32(entryBytes, 0, (uint)entry);
                if (!TryWrite(ref memory, root.EntryAddress(kept), entryBytes))
                    return false;
            }
            kept++;
        }

        uint length = HeaderSize + (uint)kept * (uint)root.EntrySize;
        Span<byte> zeros = stackalloc byte[ChunkSize];
        zeros.Clear();
        for (uint at = length; at < root.Length;)
        {
            int size = root.Length - at < ChunkSize ? (int)(root.Length - at) : ChunkSize;
            if (!TryWrite(ref memory, root.Address + at, zeros.Slice(0, size)))
                return false;
            at += (uint)size;
        }

        LittleEndian.WriteUInt32(bytes, 0, length);
        if (!TryWrite(ref memory, root.Address + LengthOffset, bytes.Slice(0, 4)))
            return false;
        if (!TryWrite(ref memory, root.Address + ChecksumOffset, zeros.Slice(0, 1)) || !TrySum(ref memory, root.Address, length, out byte sum))
            return false;
        bytes[0] = (byte)(0 - sum);
        return TryWrite(ref memory, root.Address + ChecksumOffset, bytes.Slice(0, 1));
    }

    // "RDBT" over the signature; the checksum byte bumped when the sum would stay zero.
    private static bool TryMark<TMemory>(ref TMemory memory, AcpiHiddenTable table)
        where TMemory : struct, IAcpiMemory
    {
        Span<byte> bytes = stackalloc byte[4];
        LittleEndian.WriteUInt32(bytes, 0, AcpiSignature.Hidden);
        if (!TryWrite(ref memory, table.Address, bytes))
            return false;
        if (!StillSumsToZero(table.Signature))
            return true;
        if (!TryRead(ref memory, table.Address + ChecksumOffset, bytes.Slice(0, 1)))
            return false;
        bytes[0]++;
        return TryWrite(ref memory, table.Address + ChecksumOffset, bytes.Slice(0, 1));
    }

    // Whether replacing this signature by "RDBT" keeps a valid table's byte sum at zero.
    private static bool StillSumsToZero(uint signature) => ByteSum(signature) == ByteSum(AcpiSignature.Hidden);

    private static byte ByteSum(uint value) => (byte)(value + (value >> 8) + (value >> 16) + (value >> 24));

    // Writes [address, address + length) with the bytes already there: proves the range
    // writable without changing it.
    private static bool TryRewriteInPlace<TMemory>(ref TMemory memory, ulong address, uint length)
        where TMemory : struct, IAcpiMemory
    {
        Span<byte> chunk = stackalloc byte[ChunkSize];
        for (uint done = 0; done < length;)
        {
            int size = length - done < ChunkSize ? (int)(length - done) : ChunkSize;
            Span<byte> part = chunk.Slice(0, size);
            if (!TryRead(ref memory, address + done, part) || !TryWrite(ref memory, address + done, part))
                return false;
            done += (uint)size;
        }
        return true;
    }

    private static bool Contains(ReadOnlySpan<uint> signatures, uint signature)
    {
        foreach (uint candidate in signatures)
        {
            if (candidate == signature)
                return true;
        }
        return false;
    }

    private static bool Lists(ReadOnlySpan<AcpiHiddenTable> tables, ulong address)
    {
        foreach (AcpiHiddenTable table in tables)
        {
            if (table.Address == address)
                return true;
        }
        return false;
    }
}
