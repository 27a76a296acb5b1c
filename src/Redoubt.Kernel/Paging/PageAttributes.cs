using System;

namespace Redoubt.Kernel.Paging;

[Flags]
public enum PageAttributes
{
    ReadOnly = 0,
    Writable = 1,
    Executable = 2,
    // Device memory: caching off.
    Uncached = 4,
}
