namespace Redoubt.Kernel.Paging;

// Walks a 4-level page table and checks W^X: no virtual page may be both writable and
// executable. Effective rights combine every level (writable only if all levels allow it,
// executable only if no level sets NX), as the CPU does.
public static class PageTableAudit
{
    public static PageTableAuditResult Run<TMemory>(TMemory memory, ulong root) where TMemory : struct, IPageTableMemory
    {
        PageTableAuditResult result = default;
        Walk(ref memory, root, 4, 0, writable: true, executable: true, ref result);
        return result;
    }

    private static void Walk<TMemory>(ref TMemory memory, ulong table, int level, ulong baseAddress, bool writable, bool executable, ref PageTableAuditResult result)
        where TMemory : struct, IPageTableMemory
    {
        for (int index = 0; index < PageTableEntry.EntriesPerTable; index++)
        {
            ulong entry = memory.ReadEntry(table, index);
            if (!PageTableEntry.IsPresent(entry))
                continue;
            ulong address = baseAddress + (ulong)index * PageTableEntry.SpanOfEntry(level);
            // Sign-extend bit 47 so addresses print as the CPU uses them.
            if (level == 4 && index >= 256)
                address |= 0xFFFF_0000_0000_0000;
            bool entryWritable = writable && (entry & PageTableEntry.Writable) != 0;
            bool entryExecutable = executable && (entry & PageTableEntry.NoExecute) == 0;
            bool leaf = level == 1 || (level <= 3 && (entry & PageTableEntry.LargePage) != 0);
            if (!leaf)
            {
                Walk(ref memory, PageTableEntry.Address(entry), level - 1, address, entryWritable, entryExecutable, ref result);
                continue;
            }
            result.Mappings++;
            result.MappedBytes += PageTableEntry.SpanOfEntry(level);
            if (entryExecutable)
                result.ExecutableBytes += PageTableEntry.SpanOfEntry(level);
            if (entryWritable && entryExecutable)
            {
                if (result.WritableExecutable == 0)
                    result.FirstWritableExecutable = address;
                result.WritableExecutable++;
            }
        }
    }
}
