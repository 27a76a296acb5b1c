using System;
using System.IO;
using Redoubt.Kernel.Tests.Abi;
using Redoubt.Kernel.Virtualization;
using Xunit;

namespace Redoubt.Kernel.Tests.Virtualization;

// Dom0's MSR allow-list: the permission map each entry gives, the refusal of everything else,
// the reasons, and the checks behind the intercepted writes.
public class Dom0MsrPolicyTests
{
    private static bool Intercepted(byte[] map, uint msr, bool write)
    {
        int vector = MsrPolicy.PermissionVector(msr);
        if (vector < 0)
            return true;    // outside the three vectors every access exits
        int bit = (int)(msr & 0x1FFF) * 2 + (write ? 1 : 0);
        return (map[vector + bit / 8] & (1 << (bit % 8))) != 0;
    }

    private static byte[] Map()
    {
        var map = new byte[MsrPolicy.PermissionMapSize + 2048];
        Array.Fill(map, (byte)0xAB);
        Dom0MsrPolicy.FillPermissionMap(map);
        return map;
    }

    [Theory]
    // MSR, read, write.
    [InlineData(0x174u, Dom0MsrAccess.PassThrough, Dom0MsrAccess.PassThrough)]       // SYSENTER_CS
    [InlineData(0xC000_0082u, Dom0MsrAccess.PassThrough, Dom0MsrAccess.PassThrough)] // LSTAR
    [InlineData(0xC000_0102u, Dom0MsrAccess.PassThrough, Dom0MsrAccess.PassThrough)] // KERNEL_GS_BASE
    [InlineData(0xC000_0103u, Dom0MsrAccess.PassThrough, Dom0MsrAccess.PassThrough)] // TSC_AUX
    [InlineData(0xC000_0080u, Dom0MsrAccess.Emulate, Dom0MsrAccess.Emulate)]         // EFER
    [InlineData(0x1Bu, Dom0MsrAccess.Emulate, Dom0MsrAccess.Emulate)]                // APIC_BASE
    [InlineData(0x277u, Dom0MsrAccess.Emulate, Dom0MsrAccess.Emulate)]               // PAT
    [InlineData(0x48u, Dom0MsrAccess.Emulate, Dom0MsrAccess.Emulate)]                // SPEC_CTRL
    [InlineData(0x49u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Emulate)]                 // PRED_CMD: write-only
    [InlineData(0x10u, Dom0MsrAccess.PassThrough, Dom0MsrAccess.Refuse)]             // TSC
    [InlineData(0x8Bu, Dom0MsrAccess.PassThrough, Dom0MsrAccess.Refuse)]             // PATCH_LEVEL
    [InlineData(0x179u, Dom0MsrAccess.PassThrough, Dom0MsrAccess.Refuse)]            // MCG_CAP
    [InlineData(0x17Bu, Dom0MsrAccess.PassThrough, Dom0MsrAccess.PassThrough)]       // MCG_CTL
    [InlineData(0x400u, Dom0MsrAccess.PassThrough, Dom0MsrAccess.PassThrough)]       // MC0_CTL
    [InlineData(0x47Fu, Dom0MsrAccess.PassThrough, Dom0MsrAccess.PassThrough)]       // MC31_MISC
    [InlineData(0xFEu, Dom0MsrAccess.PassThrough, Dom0MsrAccess.Refuse)]             // MTRRcap
    [InlineData(0x200u, Dom0MsrAccess.PassThrough, Dom0MsrAccess.Checked)]           // MTRR_PHYSBASE0
    [InlineData(0x20Fu, Dom0MsrAccess.PassThrough, Dom0MsrAccess.Checked)]           // MTRR_PHYSMASK7
    [InlineData(0x26Fu, Dom0MsrAccess.PassThrough, Dom0MsrAccess.Checked)]           // MTRRfix4K_F8000
    [InlineData(0x2FFu, Dom0MsrAccess.PassThrough, Dom0MsrAccess.Checked)]           // MTRR_DEF_TYPE
    [InlineData(0xC001_0010u, Dom0MsrAccess.PassThrough, Dom0MsrAccess.Refuse)]      // SYSCFG
    [InlineData(0xC001_0015u, Dom0MsrAccess.PassThrough, Dom0MsrAccess.Refuse)]      // HWCR
    [InlineData(0xC001_001Au, Dom0MsrAccess.PassThrough, Dom0MsrAccess.Refuse)]      // TOP_MEM
    [InlineData(0xC001_001Du, Dom0MsrAccess.PassThrough, Dom0MsrAccess.Refuse)]      // TOP_MEM2
    [InlineData(0xC001_001Fu, Dom0MsrAccess.PassThrough, Dom0MsrAccess.Checked)]     // NB_CFG
    [InlineData(0xC001_0020u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]           // PATCH_LOADER
    [InlineData(0x79u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]                  // BIOS_UPDT_TRIG
    [InlineData(0xC001_0058u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]           // MMIO_CONF_BASE
    [InlineData(0xC001_0111u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]           // SMM_BASE
    [InlineData(0xC001_0112u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]           // SMM_ADDR
    [InlineData(0xC001_0113u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]           // SMM_MASK
    [InlineData(0x1D9u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]                 // DEBUGCTL
    [InlineData(0x1DBu, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]                 // LastBranchFromIP
    [InlineData(0xC001_0000u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]           // PERF_CTL0
    [InlineData(0xC001_0007u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]           // PERF_CTR3
    [InlineData(0xC001_0200u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]           // core PERF_CTL0
    [InlineData(0xC001_020Bu, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]           // core PERF_CTR5
    [InlineData(0xC001_1030u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]           // IBS_FETCH_CTL
    [InlineData(0xC001_103Cu, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]           // IBS_BR_TARGET..
    [InlineData(0xC001_0114u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]           // VM_CR
    [InlineData(0xC001_0117u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]           // VM_HSAVE_PA
    [InlineData(0xC000_0104u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]           // TSC_RATIO
    [InlineData(0xC001_0131u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]           // SEV_STATUS
    [InlineData(0x830u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]                 // x2APIC ICR
    // Not named: refused like the named refusals.
    [InlineData(0x0u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]
    [InlineData(0x1A0u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]                 // MISC_ENABLE (Intel)
    [InlineData(0x3Au, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]                  // FEATURE_CONTROL (Intel)
    [InlineData(0xC001_1029u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]           // DE_CFG
    [InlineData(0xC001_1020u, Dom0MsrAccess.PassThrough, Dom0MsrAccess.Checked)]     // LS_CFG
    [InlineData(0x4B56_4D00u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]           // KVM's
    [InlineData(0xC000_2000u, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]           // SMCA banks
    [InlineData(0xFFFF_FFFFu, Dom0MsrAccess.Refuse, Dom0MsrAccess.Refuse)]
    public void Each_msr_gets_its_entry_and_the_permission_map_agrees(uint msr, Dom0MsrAccess read, Dom0MsrAccess write)
    {
        Assert.Equal(read, Dom0MsrPolicy.Decide(msr, write: false));
        Assert.Equal(write, Dom0MsrPolicy.Decide(msr, write: true));
        byte[] map = Map();
        Assert.Equal(read != Dom0MsrAccess.PassThrough, Intercepted(map, msr, write: false));
        Assert.Equal(write != Dom0MsrAccess.PassThrough, Intercepted(map, msr, write: true));
    }

    // Exhaustively over the three vectors: a bit is clear exactly where the table passes the
    // access through, and the reserved last 2 KiB are not touched.
    [Fact]
    public void The_permission_map_intercepts_everything_the_table_does_not_pass_through()
    {
        byte[] map = Map();
        foreach (uint first in new uint[] { 0, 0xC000_0000, 0xC001_0000 })
        {
            for (uint msr = first; msr < first + 0x2000; msr++)
            {
                Assert.Equal(Dom0MsrPolicy.Decide(msr, write: false) != Dom0MsrAccess.PassThrough, Intercepted(map, msr, write: false));
                Assert.Equal(Dom0MsrPolicy.Decide(msr, write: true) != Dom0MsrAccess.PassThrough, Intercepted(map, msr, write: true));
            }
        }
        Assert.Equal((byte)0xAB, map[MsrPolicy.PermissionMapSize]);
    }

    [Fact]
    public void Every_entry_has_a_reason_and_no_two_overlap()
    {
        ReadOnlySpan<Dom0MsrRange> table = Dom0MsrPolicy.Table;
        for (int i = 0; i < table.Length; i++)
        {
            Assert.True(table[i].First <= table[i].Last, $"entry {i}");
            // "NAME: why", the why at least a few words.
            Assert.Matches(@"^[^:]+: \S+ \S+ \S+", table[i].Reason);
            Assert.True(table[i].WritableBits == 0 || table[i].Write == Dom0MsrAccess.Checked, $"entry {i}: writable bits without a checked write");
            for (int j = 0; j < i; j++)
                Assert.False(table[i].First <= table[j].Last && table[j].First <= table[i].Last, $"entries {j} and {i} overlap");
        }
    }

    // docs/msr-policy.md lists every entry of the table, written as its MSR column writes them.
    [Fact]
    public void Every_entry_is_documented()
    {
        string doc = File.ReadAllText(Path.Combine(RepoRoot.Find(), "docs", "msr-policy.md"));
        foreach (Dom0MsrRange entry in Dom0MsrPolicy.Table)
        {
            string written = Written(entry.First) + (entry.Last == entry.First ? "" : "-" + Written(entry.Last));
            Assert.Contains("| `" + written + "`", doc);
        }
    }

    private static string Written(uint msr) => msr > 0xFFFF ? $"{msr >> 16:X4}_{msr & 0xFFFF:X4}h" : $"{msr:X}h";

    [Theory]
    [InlineData(0x0UL, 0x0UL, 0x0UL, true)]                         // the same value
    [InlineData(0x0UL, 0x806UL, 0x806UL, true)]
    [InlineData(0x0UL, 0x806UL, 0x006UL, false)]                    // MTRRs disabled
    [InlineData(0x0UL, 0xC000_0000UL, 0xC000_0006UL, false)]        // a variable range's type
    [InlineData(1UL << 46, 0x0UL, 1UL << 46, true)]                 // NB_CFG: EnableCf8ExtCfg set
    [InlineData(1UL << 46, 1UL << 46, 0x0UL, true)]                 // ... and cleared
    [InlineData(1UL << 46, 0x0UL, (1UL << 46) | (1UL << 54), false)] // ... with another bit
    public void Checked_writes_change_only_writable_bits(ulong writable, ulong current, ulong value, bool allowed) =>
        Assert.Equal(allowed, Dom0MsrPolicy.IsAllowedCheckedWrite(writable, current, value));

    [Theory]
    [InlineData(0x2FFu, 0xC06UL, 0x0UL, true)]      // Linux's prepare_set: off, default UC
    [InlineData(0x2FFu, 0xC06UL, 0x406UL, true)]    // off, FE and type kept
    [InlineData(0x2FFu, 0xC06UL, 0xC06UL, false)]   // on: an ordinary write (checked as such)
    [InlineData(0x2FFu, 0xC06UL, 0x1000UL, false)]  // a reserved bit
    [InlineData(0x200u, 0xC000_0000UL, 0x0UL, false)] // another MTRR
    public void Turning_the_mtrrs_off_for_an_update_is_recognized(uint msr, ulong current, ulong value, bool off) =>
        Assert.Equal(off, Dom0MsrPolicy.IsMtrrOffForUpdate(msr, current, value));

    [Fact]
    public void Only_nb_cfg_is_writable_bit_by_bit_and_only_its_extended_configuration_bit()
    {
        foreach (Dom0MsrRange entry in Dom0MsrPolicy.Table)
            Assert.Equal(entry.First == MsrNumber.NbCfg ? Dom0MsrPolicy.NbCfgExtendedConfiguration : 0UL, entry.WritableBits);
    }

    [Theory]
    [InlineData(0xC001_001Fu, 0xFu, 0x0UL)]
    [InlineData(0xC001_001Fu, 0x10u, 1UL << 46)]
    [InlineData(0xC001_001Fu, 0x17u, 1UL << 46)]
    [InlineData(0xC001_001Fu, 0x19u, 0x0UL)]
    [InlineData(0xC001_1020u, 0x10u, 0x0UL)]         // LS_CFG: no SSBD bit there
    [InlineData(0xC001_1020u, 0x15u, 1UL << 54)]
    [InlineData(0xC001_1020u, 0x16u, 1UL << 33)]
    [InlineData(0xC001_1020u, 0x17u, 1UL << 10)]
    [InlineData(0xC001_1020u, 0x19u, 0x0UL)]         // SPEC_CTRL's SSBD instead
    [InlineData(0x200u, 0x19u, 0x0UL)]               // MTRRs: nothing changes, on every family
    public void Family_dependent_checked_writes_get_that_familys_bits(uint msr, uint family, ulong bits)
    {
        Assert.Equal(bits, Dom0MsrPolicy.CheckedWriteBits(msr, Dom0MsrPolicy.WritableBits(msr), family));
        Assert.Equal(msr == 0x200u || bits != 0, Dom0MsrPolicy.HostHas(msr, family));
    }

    [Theory]
    [InlineData(0xFEE0_0900UL, 0xFEE0_0900UL, true)]    // the same value
    [InlineData(0xFEE0_0900UL, 0xFEE0_0800UL, true)]    // the BSP bit as the CPU takes it
    [InlineData(0xFEE0_0900UL, 0xFEE0_0100UL, false)]   // the APIC disabled: no NMI IPIs reach it
    [InlineData(0xFEE0_0900UL, 0xFEE0_0D00UL, false)]   // x2APIC mode
    [InlineData(0xFEE0_0900UL, 0xFED0_0900UL, false)]   // moved
    [InlineData(0xFEE0_0900UL, 0xFEE0_0901UL, false)]   // a reserved bit
    [InlineData(0xFEE0_0900UL, 0x1_FEE0_0900UL, false)] // moved above 4 GiB
    public void Apic_base_writes_keep_the_apic_enabled_in_xapic_mode_at_its_address(ulong current, ulong value, bool allowed) =>
        Assert.Equal(allowed, Dom0MsrPolicy.IsAllowedApicBase(current, value));
}
