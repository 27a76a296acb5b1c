namespace Redoubt.Kernel.Virtualization;

// Translates a guest linear address to guest-physical through the guest's own page tables, as
// the CPU would for an instruction fetch, in every paging mode of x86-64: paging off, 32-bit
// (4 KiB and, with CR4.PSE, 4 MiB pages), PAE (3 levels) and 4-level long mode (2 MiB and
// 1 GiB pages). 5-level paging is not supported (false). Tables are read through the VM's
// nested table only, so a guest cannot make the kernel read outside its memory.
public static class GuestPageWalk
{
    private const ulong Cr0Paging = 1UL << 31, Cr4Pse = 1UL << 4, Cr4Pae = 1UL << 5, Cr4La57 = 1UL << 12, EferLma = 1UL << 10;
    private const ulong Present = 1, LargePage = 1UL << 7, AddressMask = 0x000F_FFFF_FFFF_F000;

    public static bool Translate<TReader>(in TReader reader, ulong cr0, ulong cr3, ulong cr4, ulong efer, ulong linear, out ulong guestPhysical)
        where TReader : struct, IGuestPhysicalReader
    {
        guestPhysical = 0;
        if ((cr0 & Cr0Paging) == 0)
        {
            guestPhysical = linear & 0xFFFF_FFFF;
            return true;
        }
        if ((cr4 & Cr4Pae) == 0)
            return Walk32(reader, cr3, cr4, (uint)linear, out guestPhysical);
        if ((efer & EferLma) == 0)
        {
            // PAE: four PDPTEs at CR3[31:5], then 2 levels of 512 entries.
            if (!reader.TryReadQword((cr3 & 0xFFFF_FFE0) + ((linear >> 30) & 3) * 8, out ulong pdpte) || (pdpte & Present) == 0)
                return false;
            return WalkLevels(reader, pdpte & AddressMask, linear & 0xFFFF_FFFF, 2, out guestPhysical);
        }
        if ((cr4 & Cr4La57) != 0)
            return false;
        return WalkLevels(reader, cr3 & AddressMask, linear, 4, out guestPhysical);
    }

    // levels of 9-bit indices from the top one (4: PML4 ... 1: PT); large pages at levels 2-3.
    private static bool WalkLevels<TReader>(in TReader reader, ulong table, ulong linear, int levels, out ulong guestPhysical)
        where TReader : struct, IGuestPhysicalReader
    {
        guestPhysical = 0;
        for (int level = levels; level >= 1; level--)
        {
            int shift = 12 + 9 * (level - 1);
            if (!reader.TryReadQword(table + ((linear >> shift) & 0x1FF) * 8, out ulong entry) || (entry & Present) == 0)
                return false;
            if (level == 1 || (level <= 3 && (entry & LargePage) != 0))
            {
                ulong pageMask = (1UL << shift) - 1;
                guestPhysical = (entry & AddressMask & ~pageMask) | (linear & pageMask);
                return true;
            }
            table = entry & AddressMask;
        }
        return false;
    }

    private static bool Walk32<TReader>(in TReader reader, ulong cr3, ulong cr4, uint linear, out ulong guestPhysical)
        where TReader : struct, IGuestPhysicalReader
    {
        guestPhysical = 0;
        uint directory = Entry32(reader, (cr3 & 0xFFFF_F000) + (linear >> 22) * 4, out bool ok);
        if (!ok || (directory & Present) == 0)
            return false;
        if ((cr4 & Cr4Pse) != 0 && (directory & LargePage) != 0)
        {
            guestPhysical = (directory & 0xFFC0_0000) | (linear & 0x3F_FFFF);
            return true;
        }
        uint page = Entry32(reader, (directory & 0xFFFF_F000) + ((linear >> 12) & 0x3FF) * 4, out ok);
        if (!ok || (page & Present) == 0)
            return false;
        guestPhysical = (page & 0xFFFF_F000) | (linear & 0xFFF);
        return true;
    }

    private static uint Entry32<TReader>(in TReader reader, ulong address, out bool ok)
        where TReader : struct, IGuestPhysicalReader
    {
        ok = reader.TryReadQword(address & ~7UL, out ulong qword);
        return (address & 4) != 0 ? (uint)(qword >> 32) : (uint)qword;
    }
}
