using System;

namespace Redoubt.Kernel.Virtualization;

// The MSRs a VM may touch (docs/msr-policy.md) and the permission map SVM consults: 8 KiB, three
// 2 KiB ranges (MSRs 0-1FFFh at byte 0, C000_0000h-C000_1FFFh at 800h, C001_0000h-C001_1FFFh at
// 1000h), two bits per MSR (bit 2n: intercept reads, bit 2n+1: writes); MSRs outside the
// ranges are always intercepted. Only the MSRs the VMCB switches are left unintercepted.
public static class MsrPolicy
{
    public const int PermissionMapSize = 8192;

    public static MsrRule Decide(uint msr, bool write) => msr switch
    {
        0x174 or 0x175 or 0x176 => MsrRule.Vmcb,                                 // SYSENTER_CS/ESP/EIP
        >= 0xC000_0081 and <= 0xC000_0084 => MsrRule.Vmcb,                       // STAR, LSTAR, CSTAR, SFMASK
        >= 0xC000_0100 and <= 0xC000_0102 => MsrRule.Vmcb,                       // FS, GS, KERNEL_GS base
        0xC000_0080 => MsrRule.Efer,
        0x277 => MsrRule.Pat,
        0x10 when !write => MsrRule.TimeStampCounter,
        0x1B when !write => MsrRule.ApicBase,
        0xFE or 0x2FF or 0x179 or 0x17A or 0x8B when !write => MsrRule.ReadZero, // MTRRcap, MTRRdefType, MCG_CAP/STATUS, patch level
        _ => MsrRule.InjectGp,
    };

    public static void FillPermissionMap(Span<byte> map)
    {
        map.Slice(0, PermissionMapSize).Fill(0xFF);
        foreach (uint msr in Unintercepted)
        {
            int offset = RangeOffset(msr);
            int bit = (int)(msr & 0x1FFF) * 2;
            map[offset + bit / 8] &= (byte)~(3 << (bit % 8));
        }
    }

    // EFER bits a guest may write: SCE, LME, LMA (ignored: the CPU sets it), NXE.
    public static bool IsValidEferWrite(ulong value) => (value & ~((1UL << 0) | (1UL << 8) | (1UL << 10) | (1UL << 11))) == 0;

    // Every byte of PAT a memory type that exists: UC, WC, WT, WP, WB, UC-.
    public static bool IsValidPat(ulong value)
    {
        for (int i = 0; i < 8; i++)
        {
            byte type = (byte)(value >> (i * 8));
            if (type is 2 or 3 or > 7)
                return false;
        }
        return true;
    }

    private static ReadOnlySpan<uint> Unintercepted =>
        [0x174, 0x175, 0x176, 0xC000_0081, 0xC000_0082, 0xC000_0083, 0xC000_0084, 0xC000_0100, 0xC000_0101, 0xC000_0102];

    private static int RangeOffset(uint msr) => (msr >> 13) switch
    {
        0 => 0,
        0xC000_0000 >> 13 => 0x800,
        _ => 0x1000,
    };
}
