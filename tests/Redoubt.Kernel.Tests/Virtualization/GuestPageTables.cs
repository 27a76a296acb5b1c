using System;

namespace Redoubt.Kernel.Tests.Virtualization;

// Builds a guest's page tables in a FakeGuestMemory, one mapping at a time, in each paging
// mode's own entry format (written from the manuals, independently of GuestPageWalk). Tables
// come from a bump allocator at TableBase.
internal sealed class GuestPageTables
{
    public const ulong Present = 1, Writable = 2, LargePage = 0x80;
    public const ulong Cr0Paging = 1UL << 31, Cr0Protection = 1, Cr4Pse = 1 << 4, Cr4Pae = 1 << 5, Cr4La57 = 1 << 12;
    public const ulong EferLme = 1 << 8, EferLma = 1 << 10;

    private ulong _next;

    public GuestPageTables(FakeGuestMemory memory, ulong tableBase = 0x10_0000)
    {
        Memory = memory;
        _next = tableBase;
        Root = Allocate();
    }

    public FakeGuestMemory Memory { get; }

    // The top-level table (the PDPT for PAE: 32 bytes, but a whole page here).
    public ulong Root { get; }

    public ulong Allocate()
    {
        ulong table = _next;
        _next += 0x1000;
        Memory.Write64(table, 0);   // make the page exist
        return table;
    }

    // 4-level long mode; pageSize 4 KiB, 2 MiB or 1 GiB.
    public void MapLong(ulong linear, ulong physical, ulong pageSize, ulong extraBits = 0)
    {
        ulong table = Root;
        int leafLevel = pageSize switch { 0x1000 => 1, 0x20_0000 => 2, 0x4000_0000 => 3, _ => throw new ArgumentException("page size") };
        for (int level = 4; level > leafLevel; level--)
            table = Descend(table, (linear >> (12 + 9 * (level - 1))) & 0x1FF, 8);
        ulong leaf = physical | Present | Writable | extraBits | (leafLevel > 1 ? LargePage : 0);
        Memory.Write64(table + ((linear >> (12 + 9 * (leafLevel - 1))) & 0x1FF) * 8, leaf);
    }

    // PAE (legacy mode): 4 PDPTEs at Root, then 512-entry directories and tables.
    public void MapPae(ulong linear, ulong physical, ulong pageSize)
    {
        ulong pdpteAddress = Root + ((linear >> 30) & 3) * 8;
        Memory.TryRead(pdpteAddress, out ulong pdpte);
        if ((pdpte & Present) == 0)
            Memory.Write64(pdpteAddress, pdpte = Allocate() | Present);
        ulong directory = pdpte & ~0xFFFUL;
        if (pageSize == 0x20_0000)
        {
            Memory.Write64(directory + ((linear >> 21) & 0x1FF) * 8, physical | Present | Writable | LargePage);
            return;
        }
        ulong table = Descend(directory, (linear >> 21) & 0x1FF, 8);
        Memory.Write64(table + ((linear >> 12) & 0x1FF) * 8, physical | Present | Writable);
    }

    // 32-bit paging: 1024 4-byte entries per table; 4 MiB pages put physical bits 39:32 in
    // PDE bits 20:13.
    public void Map32(ulong linear, ulong physical, ulong pageSize)
    {
        ulong pdeAddress = Root + ((linear >> 22) & 0x3FF) * 4;
        if (pageSize == 0x40_0000)
        {
            ulong pde = (physical & 0xFFC0_0000) | ((physical >> 32) & 0xFF) << 13 | Present | Writable | LargePage;
            Memory.Write32(pdeAddress, (uint)pde);
            return;
        }
        Memory.TryRead(pdeAddress & ~7UL, out ulong qword);
        uint existing = (uint)((pdeAddress & 4) != 0 ? qword >> 32 : qword);
        if ((existing & Present) == 0)
            Memory.Write32(pdeAddress, existing = (uint)(Allocate() | Present | Writable));
        Memory.Write32((existing & 0xFFFF_F000) + ((linear >> 12) & 0x3FF) * 4, (uint)(physical | Present | Writable));
    }

    private ulong Descend(ulong table, ulong index, ulong entrySize)
    {
        ulong address = table + index * entrySize;
        Memory.TryRead(address, out ulong entry);
        if ((entry & Present) == 0)
            Memory.Write64(address, entry = Allocate() | Present | Writable);
        return entry & 0x000F_FFFF_FFFF_F000;
    }
}
