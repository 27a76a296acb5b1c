using System;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Paging;
using Redoubt.Kernel.X64.Paging;

namespace Redoubt.Kernel.X64.Boot;

// The firmware's ACPI tables as AcpiTables reads and edits them: physical memory, mapped 1:1
// into the kernel's address space page by page when a table first touches it (they lie in
// reserved and ACPI ranges the kernel's RAM map leaves out). Read/write, never executable.
// Safe: each page is mapped before it is touched; addresses past 2^47 are refused.
internal unsafe struct PhysicalAcpiMemory : IAcpiMemory
{
    private const ulong PageSize = 4096, Limit = 1UL << 47;

    public bool TryRead(ulong physical, Span<byte> destination)
    {
        if (!MapRange(physical, (ulong)destination.Length))
            return false;
        new ReadOnlySpan<byte>((void*)physical, destination.Length).CopyTo(destination);
        return true;
    }

    public bool TryWrite(ulong physical, ReadOnlySpan<byte> source)
    {
        if (!MapRange(physical, (ulong)source.Length))
            return false;
        source.CopyTo(new Span<byte>((void*)physical, source.Length));
        return true;
    }

    private static bool MapRange(ulong physical, ulong length)
    {
        if (physical == 0 || length == 0 || physical > Limit || length > Limit - physical)
            return length == 0;
        for (ulong page = physical & ~(PageSize - 1); page < physical + length; page += PageSize)
        {
            if (KernelAddressSpace.Table.Lookup(page, out _) != 0)
                continue;
            if (KernelAddressSpace.Table.Map(page, page, PageSize, PageAttributes.Writable) != MapStatus.Success)
                return false;
        }
        return true;
    }
}
