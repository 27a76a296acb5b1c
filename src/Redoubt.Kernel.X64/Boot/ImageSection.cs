using Redoubt.Kernel.Paging;

namespace Redoubt.Kernel.X64.Boot;

internal struct ImageSection
{
    public ulong Start;
    public ulong End;
    public PageAttributes Attributes;
}
