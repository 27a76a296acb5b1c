using System.Runtime.CompilerServices;

namespace Redoubt.Kernel.Virtualization;

// The guest's CPUID values, filtered once (CpuidPolicy) from the host's when SVM starts: a CPUID
// exit looks its leaf up instead of running CPUID and the filter every time. Leaves that depend
// on the subleaf, and leaves past the caps, are not kept: those take the slow path.
// Invariant: an entry holds exactly CpuidPolicy.Filter(leaf, host values of leaf) before the
// guest-state bits (CpuidPolicy.ReflectGuest) are applied.
public sealed class CpuidTable
{
    private readonly CpuidResult[] _basic = new CpuidResult[CpuidPolicy.MaxBasicLeaf + 1];
    // Bit n set: basic leaf n is kept.
    private uint _basicKept;
    private readonly CpuidResult[] _extended = new CpuidResult[CpuidPolicy.MaxExtendedLeaf - 0x8000_0000 + 1];

    // Fills every kept leaf; hostCpuid gives the host's values of a leaf (subleaf 0).
    public static CpuidTable Build<THost>(THost host) where THost : struct, ICpuidSource
    {
        var table = new CpuidTable();
        for (uint leaf = 0; leaf <= CpuidPolicy.MaxBasicLeaf; leaf++)
        {
            table._basic[leaf] = CpuidPolicy.Filter(leaf, CpuidPolicy.UsesHostValues(leaf) ? host.Query(leaf) : default);
            if (!CpuidPolicy.DependsOnSubleaf(leaf))
                table._basicKept |= 1u << (int)leaf;
        }
        for (uint leaf = 0x8000_0000; leaf <= CpuidPolicy.MaxExtendedLeaf; leaf++)
            table._extended[leaf - 0x8000_0000] = CpuidPolicy.Filter(leaf, CpuidPolicy.UsesHostValues(leaf) ? host.Query(leaf) : default);
        return table;
    }

    // The kept entry of a leaf, or null when the leaf is not kept (the caller then takes the
    // slow path). A reference into the table: nothing is copied on the exit path.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly CpuidResult Find(uint leaf, out bool found)
    {
        if (leaf <= CpuidPolicy.MaxBasicLeaf)
        {
            found = (_basicKept >> (int)leaf & 1) != 0;
            return ref _basic[leaf];
        }
        found = leaf - 0x8000_0000 <= CpuidPolicy.MaxExtendedLeaf - 0x8000_0000;
        return ref found ? ref _extended[leaf - 0x8000_0000] : ref _basic[0];
    }

    public bool TryGet(uint leaf, out CpuidResult result)
    {
        if (leaf <= CpuidPolicy.MaxBasicLeaf && !CpuidPolicy.DependsOnSubleaf(leaf))
        {
            result = _basic[leaf];
            return true;
        }
        if (leaf - 0x8000_0000 <= CpuidPolicy.MaxExtendedLeaf - 0x8000_0000)
        {
            result = _extended[leaf - 0x8000_0000];
            return true;
        }
        result = default;
        return false;
    }
}
