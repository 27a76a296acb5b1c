namespace Redoubt.Kernel.Paging;

// Receives every leaf of a page table (PageTable.VisitLeaves), lowest address first.
public interface ILeafVisitor
{
    void Visit(ulong virtualAddress, ulong physicalAddress, ulong size, PageAttributes attributes);
}
