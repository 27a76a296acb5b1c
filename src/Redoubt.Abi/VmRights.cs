using System;

namespace Redoubt.Abi;

// Rights a VM capability can carry. Dom0 receives Owner from VmCreate: everything except Share,
// which only the VM itself (and its VMM) may exercise, so the untrusted side can never expose
// confidential memory by itself.
[Flags]
public enum VmRights : ulong
{
    None = 0,
    Destroy = 1 << 0,
    Donate = 1 << 1,
    Reclaim = 1 << 2,
    Load = 1 << 3,
    Finalize = 1 << 4,
    CreateVcpu = 1 << 5,
    Share = 1 << 6,
    Measure = 1 << 7,
    Owner = Destroy | Donate | Reclaim | Load | Finalize | CreateVcpu | Measure,
    All = Owner | Share,
}
