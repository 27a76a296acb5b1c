using System;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Paging;
using Redoubt.Kernel.X64.Boot;

namespace Redoubt.Kernel.X64.Paging;

// Redoubt's own page tables, replacing whatever the boot path left (the PVH stub's 4 GiB RWX
// map, or the firmware's). Invariants (checked by PageTableAudit at every boot):
// - W^X: image code is read+execute, read-only data read-only, everything else writable is NX;
// - page 0 is unmapped (null dereferences fault); physical page 0, which Dom0 owns like other
//   low RAM, is reached at PageZeroAlias instead (RangePhysicalMemory.KernelAddress);
// - each stack's guard page is unmapped (overflows fault);
// - RAM is identity-mapped read/write/NX so the kernel can reach boot data and, later, frames.
internal static class KernelAddressSpace
{
    private static PageTable<X86PageFormat, IdentityMappedTableMemory> s_table;

    // The last page of the lower canonical half: far above any RAM's 1:1 address.
    public const ulong PageZeroAlias = 0x0000_7FFF_FFFF_F000;

    public static ulong Root => s_table.Root;

    public static ref PageTable<X86PageFormat, IdentityMappedTableMemory> Table => ref s_table;

    public static MapStatus Build(in ImageLayout image, MemoryMap memory, AddressRange stackGuard, AddressRange trapStackGuard)
    {
        ulong root = TableFramePool.Allocate();
        if (root == 0)
            return MapStatus.OutOfTableFrames;
        s_table = new PageTable<X86PageFormat, IdentityMappedTableMemory>(default, root);

        ReadOnlySpan<AddressRange> guards = [stackGuard, trapStackGuard];
        for (int i = 0; i < image.Count; i++)
        {
            ImageSection section = image[i];
            MapStatus status = s_table.MapIdentityExcept(section.Start, section.End, section.Attributes, guards);
            if (status != MapStatus.Success)
                return status;
        }

        ReadOnlySpan<AddressRange> holes = [new AddressRange(0, 4096), new AddressRange(image.Start, image.End)];
        foreach (MemoryRegion region in memory.Regions)
        {
            if (!IsRam(region.Kind))
                continue;
            MapStatus status = s_table.MapIdentityExcept(region.Base, region.End, PageAttributes.Writable, holes);
            if (status != MapStatus.Success)
                return status;
        }
        return s_table.Map(PageZeroAlias, 0, 4096, PageAttributes.Writable, allowLarge: false);
    }

    private static bool IsRam(MemoryKind kind) =>
        kind is MemoryKind.Usable or MemoryKind.Loader or MemoryKind.AcpiReclaimable or MemoryKind.AcpiNvs;

    // NX must be enabled before any table with NX bits is live; WP makes read-only pages
    // read-only for the kernel too.
    public static void Activate()
    {
        Cpu.Cpu.WriteMsr(Cpu.Cpu.EferMsr, Cpu.Cpu.ReadMsr(Cpu.Cpu.EferMsr) | Cpu.Cpu.EferNoExecuteEnable);
        Cpu.Cpu.WriteCr0(Cpu.Cpu.ReadCr0() | Cpu.Cpu.Cr0WriteProtect);
        Cpu.Cpu.WriteCr3(s_table.Root);
    }

    // True when the kernel reaches the page at this physical address writable where
    // RangePhysicalMemory.KernelAddress says it does.
    public static bool MapsWritable(ulong physical) =>
        s_table.Translate(Memory.RangePhysicalMemory.KernelAddress(physical), out ulong mapped, out PageAttributes attributes)
        && mapped == physical && (attributes & PageAttributes.Writable) != 0;

    // Audits the tables the CPU is using (CR3), not the ones this code believes it built.
    public static PageTableAuditResult Audit() =>
        PageTableAudit.Run(new PageTable<X86PageFormat, IdentityMappedTableMemory>(default, Cpu.Cpu.ReadCr3() & PageTableEntry.AddressMask));
}
