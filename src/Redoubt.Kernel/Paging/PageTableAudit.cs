namespace Redoubt.Kernel.Paging;

// Checks W^X over a page table: no virtual page may be both writable and executable. It judges
// each leaf by its own rights: intermediate entries can only take rights away, so this is a safe
// over-approximation (Redoubt's tables allow everything in intermediate entries anyway).
public static class PageTableAudit
{
    public static PageTableAuditResult Run<TFormat, TMemory>(PageTable<TFormat, TMemory> table)
        where TFormat : struct, IPageTableFormat
        where TMemory : struct, IPageTableMemory
    {
        var visitor = new AuditVisitor();
        table.VisitLeaves(ref visitor);
        return visitor.Result;
    }
}
