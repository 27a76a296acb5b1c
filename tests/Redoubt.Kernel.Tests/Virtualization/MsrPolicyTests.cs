using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Redoubt.Kernel.Tests.Abi;
using Redoubt.Kernel.Virtualization;
using Xunit;

namespace Redoubt.Kernel.Tests.Virtualization;

public class MsrPolicyTests
{
    // The MSRs whose state VMLOAD/VMSAVE keep in the VMCB: the only ones not intercepted.
    private static readonly uint[] s_vmcbHeld =
    [
        0xC000_0100, 0xC000_0101, 0xC000_0102,               // FS_BASE, GS_BASE, KERNEL_GS_BASE
        0xC000_0081, 0xC000_0082, 0xC000_0083, 0xC000_0084, // STAR, LSTAR, CSTAR, SFMASK
        0x174, 0x175, 0x176,                                 // SYSENTER_CS, _ESP, _EIP
    ];

    [Theory]
    [InlineData(0xC000_0080u, MsrRule.Efer, MsrRule.Efer)]
    [InlineData(0x277u, MsrRule.Pat, MsrRule.Pat)]
    [InlineData(0x10u, MsrRule.TimeStampCounter, MsrRule.InjectGp)]
    [InlineData(0x1Bu, MsrRule.ApicBase, MsrRule.InjectGp)]
    [InlineData(0xFEu, MsrRule.ReadConstant, MsrRule.InjectGp)]
    [InlineData(0x2FFu, MsrRule.ReadConstant, MsrRule.IgnoreWrite)]
    [InlineData(0x1A0u, MsrRule.ReadConstant, MsrRule.InjectGp)]
    [InlineData(0x8Bu, MsrRule.ReadConstant, MsrRule.InjectGp)]
    [InlineData(0x179u, MsrRule.ReadConstant, MsrRule.InjectGp)]     // MCG_CAP
    [InlineData(0x17Au, MsrRule.ReadConstant, MsrRule.InjectGp)]     // MCG_STATUS
    [InlineData(0x17Bu, MsrRule.InjectGp, MsrRule.InjectGp)]         // MCG_CTL: no banks, no control
    [InlineData(0xC000_0103u, MsrRule.TscAux, MsrRule.TscAux)]       // TSC_AUX: per vCPU
    [InlineData(0xC001_0114u, MsrRule.InjectGp, MsrRule.InjectGp)]   // VM_CR
    [InlineData(0xC001_0117u, MsrRule.InjectGp, MsrRule.InjectGp)]   // VM_HSAVE_PA
    [InlineData(0x3Au, MsrRule.InjectGp, MsrRule.InjectGp)]          // IA32_FEATURE_CONTROL
    [InlineData(0x48u, MsrRule.SpecCtrl, MsrRule.SpecCtrl)]          // SPEC_CTRL: per vCPU
    [InlineData(0x49u, MsrRule.InjectGp, MsrRule.PredictionCommand)] // PRED_CMD: write-only
    [InlineData(0x200u, MsrRule.InjectGp, MsrRule.InjectGp)]         // MTRR_PHYSBASE0: MTRRcap says none
    [InlineData(0x250u, MsrRule.InjectGp, MsrRule.InjectGp)]         // fixed-range MTRR
    [InlineData(0xC001_0015u, MsrRule.InjectGp, MsrRule.InjectGp)]   // HWCR
    [InlineData(0xC000_0104u, MsrRule.InjectGp, MsrRule.InjectGp)]
    [InlineData(0x4000_0000u, MsrRule.InjectGp, MsrRule.InjectGp)]   // hypervisor range (Hyper-V, KVM)
    [InlineData(0x4B56_4D00u, MsrRule.InjectGp, MsrRule.InjectGp)]   // KVM paravirtual MSRs
    [InlineData(0x0u, MsrRule.InjectGp, MsrRule.InjectGp)]
    [InlineData(0xFFFF_FFFFu, MsrRule.InjectGp, MsrRule.InjectGp)]
    public void DecidesEachListedMsr(uint msr, MsrRule read, MsrRule write)
    {
        Assert.Equal(read, MsrPolicy.Decide(msr, write: false));
        Assert.Equal(write, MsrPolicy.Decide(msr, write: true));
    }

    [Fact]
    public void VmcbHeldMsrsAreLeftToTheVmcb()
    {
        foreach (uint msr in s_vmcbHeld)
        {
            Assert.Equal(MsrRule.Vmcb, MsrPolicy.Decide(msr, write: false));
            Assert.Equal(MsrRule.Vmcb, MsrPolicy.Decide(msr, write: true));
        }
    }

    // The map's layout recomputed from APM vol. 2 15.11: which byte and bit hold an MSR's read
    // intercept, or null for MSRs outside the three vectors (always intercepted).
    private static (int Byte, int Bit)? ReadInterceptBit(uint msr)
    {
        (uint first, int vector)[] vectors = [(0x0000_0000, 0x000), (0xC000_0000, 0x800), (0xC001_0000, 0x1000)];
        foreach (var (first, vector) in vectors)
        {
            if (msr >= first && msr - first < 0x2000)
                return (vector + (int)((msr - first) / 4), (int)((msr - first) % 4) * 2);
        }
        return null;
    }

    [Fact]
    public void PermissionMapInterceptsEverythingButTheVmcbHeldMsrs()
    {
        byte[] map = new byte[MsrPolicy.PermissionMapSize];
        Array.Fill(map, (byte)0x5A);   // whatever the frame held before
        MsrPolicy.FillPermissionMap(map);
        foreach (uint first in new uint[] { 0x0000_0000, 0xC000_0000, 0xC001_0000 })
        {
            for (uint msr = first; msr < first + 0x2000; msr++)
            {
                var (at, bit) = ReadInterceptBit(msr)!.Value;
                bool passes = s_vmcbHeld.Contains(msr);
                Assert.Equal(!passes, (map[at] & (1 << bit)) != 0);
                Assert.Equal(!passes, (map[at] & (1 << (bit + 1))) != 0);
            }
        }
        // Exactly two cleared bits per VMCB-held MSR, nowhere else (the reserved 2 KiB included).
        int cleared = map.Sum(b => 8 - System.Numerics.BitOperations.PopCount(b));
        Assert.Equal(2 * s_vmcbHeld.Length, cleared);
        Assert.All(map.AsSpan(0x1800).ToArray(), b => Assert.Equal(0xFF, b));
    }

    [Fact]
    public void PermissionMapBitsOfKnownMsrs()
    {
        byte[] map = new byte[MsrPolicy.PermissionMapSize];
        MsrPolicy.FillPermissionMap(map);
        // LSTAR C000_0082h: vector 0x800, MSR index 0x82 -> bits 0x104, 0x105 -> byte 0x820, bits 4 and 5.
        Assert.Equal(0xFF & ~0x30 & ~0x0C & ~0xC0, map[0x820]);   // STAR (bits 2-3), LSTAR (4-5), CSTAR (6-7)
        // SYSENTER_CS 174h: bits 0x2E8, 0x2E9 -> byte 0x5D, bits 0 and 1; ESP 175h bits 2, 3; EIP 176h bits 4, 5.
        Assert.Equal(0xC0, map[0x5D]);
        // FS_BASE, GS_BASE, KERNEL_GS_BASE C000_0100h-102h: byte 0x840, bits 0-5; TSC_AUX 103h stays intercepted.
        Assert.Equal(0xC0, map[0x840]);
        // EFER C000_0080h: byte 0x820, bits 0 and 1, intercepted.
        Assert.Equal(0x03, map[0x820] & 0x03);
    }

    // The map is the kernel's own buffer: too short is a kernel bug (an index panic in the
    // image); longer is fine, and only the first 8 KiB are the map.
    [Theory]
    [InlineData(0)]
    [InlineData(4096)]
    [InlineData(8191)]
    public void APermissionMapTooShortIsAKernelBug(int size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MsrPolicy.FillPermissionMap(new byte[size]));

    [Fact]
    public void OnlyTheFirst8KibAreTheMap()
    {
        byte[] map = new byte[12288];
        Array.Fill(map, (byte)0x5A);
        MsrPolicy.FillPermissionMap(map);
        byte[] exact = new byte[MsrPolicy.PermissionMapSize];
        MsrPolicy.FillPermissionMap(exact);
        Assert.Equal(exact, map.AsSpan(0, MsrPolicy.PermissionMapSize).ToArray());
        Assert.All(map.AsSpan(MsrPolicy.PermissionMapSize).ToArray(), b => Assert.Equal(0x5A, b));
    }

    // An MSR outside the three vectors always exits, so Decide must never leave it to the VMCB;
    // inside them, the map and Decide agree.
    [Fact]
    public void DecideAndTheMapAgreeForRandomMsrs()
    {
        byte[] map = new byte[MsrPolicy.PermissionMapSize];
        MsrPolicy.FillPermissionMap(map);
        var random = new Random(29);
        for (int i = 0; i < 1_000_000; i++)
        {
            uint msr = i % 2 == 0 ? (uint)random.NextInt64(0, 1L << 32) : new uint[] { 0, 0xC000_0000, 0xC001_0000, 0x4000_0000 }[random.Next(4)] + (uint)random.Next(0x3000);
            foreach (bool write in new[] { false, true })
            {
                MsrRule rule = MsrPolicy.Decide(msr, write);
                Assert.True(Enum.IsDefined(rule));
                var location = ReadInterceptBit(msr);
                bool intercepted = location is not { } l || (map[l.Byte] & (1 << (l.Bit + (write ? 1 : 0)))) != 0;
                Assert.Equal(rule != MsrRule.Vmcb, intercepted);
            }
        }
    }

    [Fact]
    public void EferWritesAcceptOnlySceLmeLmaNxe()
    {
        for (int bit = 0; bit < 64; bit++)
            Assert.Equal(bit is 0 or 8 or 10 or 11, MsrPolicy.IsValidEferWrite(1UL << bit));
        Assert.True(MsrPolicy.IsValidEferWrite(0));
        Assert.True(MsrPolicy.IsValidEferWrite(0xD01));
        Assert.False(MsrPolicy.IsValidEferWrite(0xD01 | 1UL << 12));   // SVME: no nested virtualization
        Assert.False(MsrPolicy.IsValidEferWrite(0xD01 | 1UL << 14));   // FFXSR
    }

    [Theory]
    [InlineData(0x0UL, 0x100UL, 0x0UL, true)]                 // set LME with paging off
    [InlineData(0x100UL, 0x0UL, 0x1UL, true)]                 // clear LME with paging off (PE only)
    [InlineData(0x0UL, 0x100UL, 0x8000_0001UL, false)]        // set LME with paging on
    [InlineData(0x500UL, 0x0UL, 0x8000_0001UL, false)]        // clear LME in long mode
    [InlineData(0x500UL, 0xD01UL, 0x8000_0001UL, true)]       // NXE and SCE in long mode, LME kept
    [InlineData(0x500UL, 0x900UL, 0x8000_0001UL, true)]       // LMA written as 0: ignored, allowed
    [InlineData(0x0UL, 0x1UL | 1UL << 12, 0x0UL, false)]      // reserved bits still refused
    public void EferLmeChangesOnlyWithPagingOff(ulong current, ulong value, ulong cr0, bool valid) =>
        Assert.Equal(valid, MsrPolicy.IsValidEferWrite(value, current, cr0));

    [Theory]
    [InlineData(0x1000UL, 0x101UL, 0x1101UL)]           // SVME kept set
    [InlineData(0x1500UL, 0x901UL, 0x1D01UL)]           // LMA stays as the hardware has it
    [InlineData(0x1100UL, 0x500UL, 0x1100UL)]           // a written LMA is ignored
    [InlineData(0x1901UL, 0x0UL, 0x1000UL)]            // everything cleared but SVME (paging off)
    public void EferAfterWriteKeepsSvmeAndLma(ulong vmcbEfer, ulong value, ulong expected) =>
        Assert.Equal(expected, MsrPolicy.EferAfterWrite(vmcbEfer, value));

    [Fact]
    public void GuestsNeverSeeSvme()
    {
        Assert.Equal(0xD01UL, MsrPolicy.GuestVisibleEfer(0x1D01));
        Assert.Equal(0x0UL, MsrPolicy.GuestVisibleEfer(0x1000));
    }

    [Fact]
    public void PatEntriesMustBeDefinedMemoryTypes()
    {
        Assert.True(MsrPolicy.IsValidPat(0x0007_0406_0007_0406));   // the power-on value
        Assert.True(MsrPolicy.IsValidPat(0));
        Assert.True(MsrPolicy.IsValidPat(0x0706_0504_0100_0706));
        for (int entry = 0; entry < 8; entry++)
        {
            for (ulong type = 0; type < 256; type++)
            {
                ulong pat = 0x0606_0606_0606_0606 & ~(0xFFUL << (8 * entry)) | type << (8 * entry);
                Assert.Equal(type is 0 or 1 or 4 or 5 or 6 or 7, MsrPolicy.IsValidPat(pat));
            }
        }
    }

    [Fact]
    public void ApicBaseIsEnabledAtTheDefaultBase()
    {
        Assert.Equal(0xFEE0_0900UL, MsrPolicy.ApicBaseValue(bootstrapProcessor: true));
        Assert.Equal(0xFEE0_0800UL, MsrPolicy.ApicBaseValue(bootstrapProcessor: false));
    }

    [Theory]
    [InlineData(0xFEu, 0x0UL)]       // MTRRcap: no ranges, no WC
    [InlineData(0x2FFu, 0x806UL)]    // MTRR_DEF_TYPE: enabled, all write-back
    [InlineData(0x1A0u, 0x1UL)]      // MISC_ENABLE: fast strings
    [InlineData(0x8Bu, 0x0UL)]       // PATCH_LEVEL
    [InlineData(0x179u, 0x0UL)]      // MCG_CAP: no banks
    [InlineData(0x17Au, 0x0UL)]      // MCG_STATUS
    public void ConstantsReadAsDocumented(uint msr, ulong value)
    {
        Assert.Equal(MsrRule.ReadConstant, MsrPolicy.Decide(msr, write: false));
        Assert.Equal(value, MsrPolicy.ConstantValue(msr));
    }

    // Every MSR the code names appears in docs/msr-policy.md, written as the table writes it.
    [Fact]
    public void EveryNamedMsrIsDocumented()
    {
        string doc = File.ReadAllText(Path.Combine(RepoRoot.Find(), "docs", "msr-policy.md"));
        foreach (FieldInfo field in typeof(MsrNumber).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            uint msr = (uint)field.GetValue(null)!;
            string written = msr > 0xFFFF ? $"{msr >> 16:X4}_{msr & 0xFFFF:X4}h" : $"{msr:X}h";
            Assert.Contains("`" + written + "`", doc);
        }
    }
}
