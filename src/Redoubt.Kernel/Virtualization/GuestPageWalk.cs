using System;

namespace Redoubt.Kernel.Virtualization;

// Translation of a guest linear address to guest-physical with the guest's own page tables,
// as the CPU would (AMD APM vol. 2 5.2-5.3, Intel SDM vol. 3 4.3-4.5): what the exit path
// needs to fetch the instruction bytes at the guest's RIP. The registers come from the VMCB,
// the tables are read through TReader (the nested table), and everything read is untrusted.
// Modes: paging off (identity), 32-bit paging (4 KiB, and 4 MiB pages with CR4.PSE, PSE-36
// address bits), PAE (4 KiB and 2 MiB) and 4-level long mode (4 KiB, 2 MiB, 1 GiB). 5-level
// paging (CR4.LA57) is refused. Only present bits are checked: access rights and reserved bits
// are the CPU's business when the guest runs, and a translation the CPU would have refused
// only yields bytes of the guest's own memory. Outside long mode linear addresses are 32 bits
// wide and higher bits are dropped; in long mode a non-canonical address is refused. Every
// result is below 2^52.
public static class GuestPageWalk
{
    private const ulong Cr0Paging = 1UL << 31, Cr4Pse = 1UL << 4, Cr4Pae = 1UL << 5, Cr4La57 = 1UL << 12;
    private const ulong EferLongModeActive = 1UL << 10;
    private const ulong Present = 1, LargePage = 1UL << 7;
    private const ulong PageSize = 4096;

    // Physical address fields of 64-bit entries: bits 51:12, and 51:30 / 51:21 for large pages
    // (bit 12 of a large-page entry is its PAT bit, not an address bit).
    private const ulong AddressMask = 0x000F_FFFF_FFFF_F000, GiBPageMask = 0x000F_FFFF_C000_0000, MiB2PageMask = 0x000F_FFFF_FFE0_0000;

    public static bool Translate<TReader>(in TReader reader, ulong cr0, ulong cr3, ulong cr4, ulong efer, ulong linear, out ulong guestPhysical)
        where TReader : struct, IGuestPhysicalReader
    {
        guestPhysical = 0;
        if ((efer & EferLongModeActive) != 0)
            return (cr0 & Cr0Paging) != 0 && (cr4 & Cr4Pae) != 0 && (cr4 & Cr4La57) == 0 && TryLongMode(reader, linear, cr3, out guestPhysical);
        linear &= 0xFFFF_FFFF;
        if ((cr0 & Cr0Paging) == 0)
        {
            guestPhysical = linear;
            return true;
        }
        return (cr4 & Cr4Pae) != 0
            ? TryPae(reader, linear, cr3, out guestPhysical)
            : TryLegacy(reader, linear, cr3, (cr4 & Cr4Pse) != 0, out guestPhysical);
    }

    // Copies guest memory from linear on into destination, translating page by page; stops at
    // the first byte whose page does not translate or read. Returns the bytes copied (for the
    // instruction at RIP, up to 15 bytes that may span two pages).
    public static int Fetch<TReader>(in TReader reader, ulong cr0, ulong cr3, ulong cr4, ulong efer, ulong linear, Span<byte> destination)
        where TReader : struct, IGuestPhysicalReader
    {
        int copied = 0;
        while (copied < destination.Length)
        {
            ulong address = linear + (ulong)copied;
            if (!Translate(reader, cr0, cr3, cr4, efer, address, out ulong physical))
                return copied;
            ulong leftInPage = PageSize - (address & (PageSize - 1));
            while (leftInPage > 0 && copied < destination.Length)
            {
                if (!reader.TryReadQword(physical & ~7UL, out ulong qword))
                    return copied;
                // An aligned qword never crosses a page, so this stays inside the page.
                for (int b = (int)(physical & 7); b < 8 && copied < destination.Length; b++)
                {
                    destination[copied++] = (byte)(qword >> (8 * b));
                    physical++;
                    leftInPage--;
                }
            }
        }
        return copied;
    }

    private static bool TryLongMode<TReader>(in TReader reader, ulong linear, ulong cr3, out ulong guestPhysical)
        where TReader : struct, IGuestPhysicalReader
    {
        guestPhysical = 0;
        // Canonical: bits 63:47 all equal.
        if ((ulong)((long)(linear << 16) >> 16) != linear)
            return false;
        ulong table = cr3 & AddressMask;
        if (!TryReadEntry(reader, table, (linear >> 39) & 0x1FF, out ulong pml4e))
            return false;
        if (!TryReadEntry(reader, pml4e & AddressMask, (linear >> 30) & 0x1FF, out ulong pdpte))
            return false;
        if ((pdpte & LargePage) != 0)
        {
            guestPhysical = (pdpte & GiBPageMask) | (linear & 0x3FFF_FFFF);
            return true;
        }
        return TryDirectoryAndTable(reader, pdpte & AddressMask, linear, out guestPhysical);
    }

    // PAE: CR3 bits 31:5 locate four PDPTEs, indexed by linear bits 31:30.
    private static bool TryPae<TReader>(in TReader reader, ulong linear, ulong cr3, out ulong guestPhysical)
        where TReader : struct, IGuestPhysicalReader
    {
        guestPhysical = 0;
        if (!TryReadEntry(reader, cr3 & 0xFFFF_FFE0, linear >> 30, out ulong pdpte))
            return false;
        return TryDirectoryAndTable(reader, pdpte & AddressMask, linear, out guestPhysical);
    }

    // The last two levels of PAE and long mode: PDE (2 MiB leaf or table), then PTE.
    private static bool TryDirectoryAndTable<TReader>(in TReader reader, ulong directory, ulong linear, out ulong guestPhysical)
        where TReader : struct, IGuestPhysicalReader
    {
        guestPhysical = 0;
        if (!TryReadEntry(reader, directory, (linear >> 21) & 0x1FF, out ulong pde))
            return false;
        if ((pde & LargePage) != 0)
        {
            guestPhysical = (pde & MiB2PageMask) | (linear & 0x1F_FFFF);
            return true;
        }
        if (!TryReadEntry(reader, pde & AddressMask, (linear >> 12) & 0x1FF, out ulong pte))
            return false;
        guestPhysical = (pte & AddressMask) | (linear & 0xFFF);
        return true;
    }

    // 32-bit paging: 4-byte entries, PDE indexed by bits 31:22, PTE by bits 21:12. A 4 MiB
    // page (PS with CR4.PSE) takes address bits 39:32 from PDE bits 20:13 (PSE-36).
    private static bool TryLegacy<TReader>(in TReader reader, ulong linear, ulong cr3, bool largePages, out ulong guestPhysical)
        where TReader : struct, IGuestPhysicalReader
    {
        guestPhysical = 0;
        if (!TryReadEntry32(reader, (cr3 & 0xFFFF_F000) + (linear >> 22) * 4, out uint pde))
            return false;
        if (largePages && (pde & LargePage) != 0)
        {
            guestPhysical = (pde & 0xFFC0_0000UL) | (ulong)((pde >> 13) & 0xFF) << 32 | (linear & 0x3F_FFFF);
            return true;
        }
        if (!TryReadEntry32(reader, (pde & 0xFFFF_F000UL) + ((linear >> 12) & 0x3FF) * 4, out uint pte))
            return false;
        guestPhysical = (pte & 0xFFFF_F000UL) | (linear & 0xFFF);
        return true;
    }

    // A present 8-byte entry.
    private static bool TryReadEntry<TReader>(in TReader reader, ulong table, ulong index, out ulong entry)
        where TReader : struct, IGuestPhysicalReader =>
        reader.TryReadQword(table + index * 8, out entry) && (entry & Present) != 0;

    // A present 4-byte entry: the half of its aligned qword (little-endian).
    private static bool TryReadEntry32<TReader>(in TReader reader, ulong address, out uint entry)
        where TReader : struct, IGuestPhysicalReader
    {
        entry = 0;
        if (!reader.TryReadQword(address & ~7UL, out ulong qword))
            return false;
        entry = (uint)((address & 4) != 0 ? qword >> 32 : qword);
        return (entry & Present) != 0;
    }
}
