using System;

namespace Redoubt.Abi;

// Attributes of loaded pages; they are part of the launch measurement.
[Flags]
public enum PageMeasureFlags : ulong
{
    None = 0,
    // Guest code: the VM's nested table maps the page executable.
    Executable = 1 << 0,
    // Guest read-only data: the VM's nested table maps the page without write access.
    ReadOnly = 1 << 1,
    All = Executable | ReadOnly,
}
