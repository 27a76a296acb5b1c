using System.Runtime;
using System.Runtime.CompilerServices;
using Redoubt.Kernel.Paging;

namespace Redoubt.Kernel.X64.Boot;

// Where the running image's sections are and what rights each needs: from pvh.ld's symbols for
// the PVH ELF, from the PE section table for the UEFI image (the firmware may load it anywhere).
// Safe: the PE headers read are those of the running image itself, at the base the linker
// symbol __ImageBase names; offsets are the fixed PE/COFF layout.
internal unsafe struct ImageLayout
{
    public const int MaxSections = 12;

    private ImageSectionArray _sections;

    public int Count;
    // More sections than MaxSections: the kernel refuses to boot rather than leave some unmapped.
    public bool Overflowed;
    public ulong Start;
    public ulong End;
    public ulong ReadOnlyDataStart;

    public readonly ImageSection this[int index] => _sections[index];

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtElfLayout")]
    private static extern void ElfLayout(ulong* bounds);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtImageBase")]
    private static extern byte* PeImageBase();

    private void Add(ulong start, ulong end, PageAttributes attributes)
    {
        if (end <= start)
            return;
        if (Count == MaxSections)
        {
            Overflowed = true;
            return;
        }
        _sections[Count++] = new ImageSection { Start = start, End = end, Attributes = attributes };
        if (Start == 0 || start < Start)
            Start = start;
        if (end > End)
            End = end;
    }

    public static ImageLayout FromElf()
    {
        ulong* bounds = stackalloc ulong[6];
        ElfLayout(bounds);
        ImageLayout layout = default;
        layout.Add(bounds[0], bounds[1], PageAttributes.Executable);
        layout.Add(bounds[2], bounds[3], PageAttributes.ReadOnly);
        layout.Add(bounds[4], bounds[5], PageAttributes.Writable);
        layout.ReadOnlyDataStart = bounds[2];
        return layout;
    }

    // PE/COFF: e_lfanew at 0x3C -> "PE\0\0", COFF header (section count at +6, optional header
    // size at +20), then 40-byte section headers (VirtualSize +8, VirtualAddress +12,
    // Characteristics +36). The headers' own page is mapped read-only.
    public static ImageLayout FromPe()
    {
        const uint Execute = 0x20000000, Write = 0x80000000;
        byte* imageBase = PeImageBase();
        byte* pe = imageBase + *(uint*)(imageBase + 0x3C);
        int sections = *(ushort*)(pe + 6);
        byte* section = pe + 24 + *(ushort*)(pe + 20);
        ImageLayout layout = default;
        layout.Add((ulong)imageBase, (ulong)imageBase + 4096, PageAttributes.ReadOnly);
        for (int i = 0; i < sections; i++, section += 40)
        {
            ulong start = (ulong)imageBase + *(uint*)(section + 12);
            ulong end = (start + *(uint*)(section + 8) + 4095) & ~4095UL;
            uint characteristics = *(uint*)(section + 36);
            PageAttributes attributes = (characteristics & Execute) != 0 ? PageAttributes.Executable
                : (characteristics & Write) != 0 ? PageAttributes.Writable : PageAttributes.ReadOnly;
            if (attributes == PageAttributes.ReadOnly && layout.ReadOnlyDataStart == 0)
                layout.ReadOnlyDataStart = start;
            layout.Add(start, end, attributes);
        }
        return layout;
    }
}
