using System;
using Redoubt.Kernel.Virtualization;

namespace Redoubt.Fuzz.Policies;

// Fuzz target over Dom0's MSR allow-list (Dom0MsrPolicy), with what the image builds from it:
// the permission map. Input: repeated (MSR, direction, current value, value written), the MSR
// biased towards the table's edges (MsrEncoding). After each decision:
//   - the decision is one Dom0MsrAccess defines, and the same twice;
//   - the map agrees with it: an MSR passes the CPU's intercept exactly when it is PassThrough,
//     and an MSR the map cannot name (outside its three ranges) is never PassThrough;
//   - an MSR the table does not name is refused both ways;
//   - the MSRs Redoubt keeps (microcode loaders, MMIO config base, SMM, DEBUGCTL/LBR, the
//     performance counters and IBS, SVM's, x2APIC) are refused both ways;
//   - a Checked write accepted changes only its writable bits; an APIC base write accepted keeps
//     the APIC enabled, in xAPIC mode, at its address.
public static class MsrPolicyTarget
{
    public const string Name = "msr";

    private static readonly byte[] s_map = BuildMap();

    // Ranges no allow-list may ever open.
    private static readonly (uint First, uint Last)[] s_kept =
    [
        (0x79, 0x79), (0xC001_0020, 0xC001_0020), (0xC001_0058, 0xC001_0058), (0xC001_0111, 0xC001_0113),
        (0x1D9, 0x1D9), (0xC001_0000, 0xC001_0007), (0xC001_0200, 0xC001_020B), (0xC001_1030, 0xC001_103C),
        (0xC001_0114, 0xC001_0118), (0x800, 0x8FF),
    ];

    // enforce: false takes every access as passed through (and the map as intercepting
    // nothing): the control that shows the checks see a kept MSR opened (PolicyTargetControlTests).
    public static void Run(ReadOnlySpan<byte> input, bool enforce = true)
    {
        var reader = new InputReader(input);
        for (int step = 0; step < 64 && !reader.AtEnd; step++)
        {
            uint msr = MsrEncoding.Decode(ref reader);
            bool write = (reader.ReadByte() & 1) != 0;
            ulong current = RegisterEncoding.Decode(ref reader), value = RegisterEncoding.Decode(ref reader);
            Check(msr, write, current, value, enforce);
        }
    }

    private static void Check(uint msr, bool write, ulong current, ulong value, bool enforce)
    {
        string what = $"{(write ? "WRMSR" : "RDMSR")} 0x{msr:x}";
        Dom0MsrAccess access = enforce ? Dom0MsrPolicy.Decide(msr, write) : Dom0MsrAccess.PassThrough;
        if (!Enum.IsDefined(access) || (enforce && access != Dom0MsrPolicy.Decide(msr, write)))
            throw new FuzzFailure($"{what}: decision {access} undefined or unstable");
        bool intercepted = enforce ? IsIntercepted(msr, write) : MsrPolicy.PermissionVector(msr) < 0;
        if (intercepted == (access == Dom0MsrAccess.PassThrough))
            throw new FuzzFailure($"{what}: {access}, but the permission map {(intercepted ? "intercepts" : "passes")} it");
        if (Dom0MsrPolicy.Find(msr) < 0 && access != Dom0MsrAccess.Refuse)
            throw new FuzzFailure($"{what}: not in the table, yet {access}");
        foreach (var (first, last) in s_kept)
        {
            if (msr >= first && msr <= last && access != Dom0MsrAccess.Refuse)
                throw new FuzzFailure($"{what}: Redoubt keeps it, yet {access}");
        }
        ulong bits = Dom0MsrPolicy.WritableBits(msr);
        if (write && access == Dom0MsrAccess.Checked && Dom0MsrPolicy.IsAllowedCheckedWrite(bits, current, value) && ((value ^ current) & ~bits) != 0)
            throw new FuzzFailure($"{what}: the checked write 0x{value:x} over 0x{current:x} changes bits outside 0x{bits:x}");
        if (write && msr == MsrNumber.ApicBase && Dom0MsrPolicy.IsAllowedApicBase(current, value)
            && ((value & (1UL << 10)) != 0 || (value & (1UL << 11)) == 0 || (value & 0x000F_FFFF_FFFF_F000) != (current & 0x000F_FFFF_FFFF_F000)))
            throw new FuzzFailure($"{what}: APIC base 0x{value:x} over 0x{current:x} accepted");
    }

    // The CPU's view: MSRs outside the map's three ranges always exit.
    private static bool IsIntercepted(uint msr, bool write)
    {
        int vector = MsrPolicy.PermissionVector(msr);
        if (vector < 0)
            return true;
        int bit = (int)(msr & 0x1FFF) * 2 + (write ? 1 : 0);
        return (s_map[vector + bit / 8] >> (bit % 8) & 1) != 0;
    }

    private static byte[] BuildMap()
    {
        var map = new byte[MsrPolicy.PermissionMapSize];
        Dom0MsrPolicy.FillPermissionMap(map);
        return map;
    }
}
