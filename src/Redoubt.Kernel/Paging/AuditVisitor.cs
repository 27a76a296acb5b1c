namespace Redoubt.Kernel.Paging;

internal struct AuditVisitor : ILeafVisitor
{
    public PageTableAuditResult Result;

    public void Visit(ulong virtualAddress, ulong physicalAddress, ulong size, PageAttributes attributes)
    {
        Result.Mappings++;
        Result.MappedBytes += size;
        bool executable = (attributes & PageAttributes.Executable) != 0;
        if (executable)
            Result.ExecutableBytes += size;
        if (executable && (attributes & PageAttributes.Writable) != 0)
        {
            if (Result.WritableExecutable == 0)
                Result.FirstWritableExecutable = virtualAddress;
            Result.WritableExecutable++;
        }
    }
}
