using System.Runtime.CompilerServices;

namespace Redoubt.Kernel.Virtualization;

// What a guest sees for CPUID: the host's values, filtered so that virtualization itself stays
// hidden and unreachable. The whole table (docs/cpuid-policy.md):
// - leaf 0 and 8000_0000h: the highest leaf is capped at 0Dh / 8000_0008h; higher leaves read 0;
// - leaf 1: ECX[5] (VMX) and ECX[3] (MONITOR) cleared, ECX[31] (hypervisor present) set;
// - leaf 8000_0001h: ECX[2] (SVM) and ECX[12] (SKINIT) cleared;
// - leaf 8000_000Ah (SVM features): all zero;
// - leaves 4000_0000h-4000_00FFh: 4000_0000h names Redoubt ("RedoubtHV\0\0\0", highest leaf
//   4000_0000h); the others read 0;
// - every other leaf up to the caps: the host's values;
// - bits that mirror the guest's own control registers follow the guest, not the host: leaf 1
//   ECX[27] (OSXSAVE) is the guest's CR4.OSXSAVE, leaf 7 ECX[4] (OSPKE) its CR4.PKE.
public static class CpuidPolicy
{
    public const uint MaxBasicLeaf = 0xD, MaxExtendedLeaf = 0x8000_0008, HypervisorLeaf = 0x4000_0000;

    private const uint Leaf1EcxHidden = (1u << 5) | (1u << 3), HypervisorPresent = 1u << 31;
    private const uint Extended1EcxHidden = (1u << 2) | (1u << 12);

    // True when the guest's leaf needs the host's values as input to Filter.
    public static bool UsesHostValues(uint leaf) =>
        leaf <= MaxBasicLeaf || (leaf >= 0x8000_0000 && leaf <= MaxExtendedLeaf && leaf != 0x8000_000A);

    public static CpuidResult Filter(uint leaf, CpuidResult host)
    {
        if (leaf >= HypervisorLeaf && leaf <= HypervisorLeaf + 0xFF)
            return leaf == HypervisorLeaf ? new CpuidResult(HypervisorLeaf, 0x6F646552, 0x48746275, 0x00000056) : default;
        if (!UsesHostValues(leaf))
            return default;
        switch (leaf)
        {
            case 0:
                host.Eax = host.Eax < MaxBasicLeaf ? host.Eax : MaxBasicLeaf;
                break;
            case 1:
                host.Ecx = (host.Ecx & ~Leaf1EcxHidden) | HypervisorPresent;
                break;
            case 0x8000_0000:
                host.Eax = host.Eax < MaxExtendedLeaf ? host.Eax : MaxExtendedLeaf;
                break;
            case 0x8000_0001:
                host.Ecx &= ~Extended1EcxHidden;
                break;
        }
        return host;
    }

    // Leaves whose values depend on the subleaf in ECX (within the caps).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool DependsOnSubleaf(uint leaf) => leaf is 4 or 7 or 0xB or 0xD;

    // The bits that report the guest's own CR4, from its CR4.
    public static CpuidResult ReflectGuest(uint leaf, CpuidResult result, ulong guestCr4)
    {
        result.Ecx = ReflectGuestEcx(leaf, result.Ecx, guestCr4);
        return result;
    }

    // The same on ECX alone, the only register these bits are in.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ReflectGuestEcx(uint leaf, uint ecx, ulong guestCr4) => leaf switch
    {
        1 => (ecx & ~OsXsave) | ((guestCr4 & Cr4OsXsave) != 0 ? OsXsave : 0),
        7 => (ecx & ~OsPke) | ((guestCr4 & Cr4Pke) != 0 ? OsPke : 0),
        _ => ecx,
    };

    private const uint OsXsave = 1u << 27, OsPke = 1u << 4;
    private const ulong Cr4OsXsave = 1UL << 18, Cr4Pke = 1UL << 22;
}
