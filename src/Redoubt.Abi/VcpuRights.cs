using System;

namespace Redoubt.Abi;

[Flags]
public enum VcpuRights : ulong
{
    None = 0,
    SetState = 1 << 0,
    Run = 1 << 1,
    All = SetState | Run,
}
