using System;

namespace Redoubt.Abi;

[Flags]
public enum ReportPolicy : uint
{
    None = 0,
    Finalized = 1 << 0,
    Debug = 1 << 1,
    MemoryEncryption = 1 << 2,
}
