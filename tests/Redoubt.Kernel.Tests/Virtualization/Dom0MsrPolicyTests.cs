using System;
using Redoubt.Kernel.Virtualization;
using Xunit;

namespace Redoubt.Kernel.Tests.Virtualization;

// Which MSRs Dom0 reaches directly, and which IA32_APIC_BASE writes it may make.
public class Dom0MsrPolicyTests
{
    private static bool Intercepted(byte[] map, uint msr, bool write)
    {
        int vector = msr >= 0xC001_0000 ? 2 : msr >= 0xC000_0000 ? 1 : 0;
        int bit = (int)(msr & 0x1FFF) * 2 + (write ? 1 : 0);
        return (map[vector * 2048 + bit / 8] & (1 << (bit % 8))) != 0;
    }

    [Fact]
    public void Only_the_kept_msrs_are_intercepted_and_both_ways()
    {
        var map = new byte[MsrPolicy.PermissionMapSize + 2048];
        Array.Fill(map, (byte)0xAB);
        Dom0MsrPolicy.FillPermissionMap(map);
        foreach (uint msr in new uint[] { 0x1B, 0xC000_0080, 0xC000_0104, 0xC001_0114, 0xC001_0115, 0xC001_0116, 0xC001_0117, 0xC001_0118, 0xC001_0131 })
        {
            Assert.True(Intercepted(map, msr, write: false), $"read of {msr:x}");
            Assert.True(Intercepted(map, msr, write: true), $"write of {msr:x}");
        }
        int set = 0;
        for (int i = 0; i < MsrPolicy.PermissionMapSize; i++)
            set += System.Numerics.BitOperations.PopCount(map[i]);
        Assert.Equal(2 * Dom0MsrPolicy.Intercepted.Length, set);
        // Dom0's own MSRs pass: the TSC, PAT, the SYSCALL MSRs, the x2APIC range (unusable without x2APIC mode).
        foreach (uint msr in new uint[] { 0x10, 0x277, 0xC000_0081, 0xC000_0082, 0x830 })
            Assert.False(Intercepted(map, msr, write: true), $"write of {msr:x}");
        Assert.Equal((byte)0xAB, map[MsrPolicy.PermissionMapSize]);
    }

    [Theory]
    [InlineData(0xFEE0_0900UL, 0xFEE0_0900UL, true)]    // the same value
    [InlineData(0xFEE0_0900UL, 0xFEE0_0100UL, true)]    // the APIC disabled
    [InlineData(0xFEE0_0900UL, 0xFEE0_0D00UL, false)]   // x2APIC mode
    [InlineData(0xFEE0_0900UL, 0xFED0_0900UL, false)]   // moved
    [InlineData(0xFEE0_0900UL, 0xFEE0_0901UL, false)]   // a reserved bit
    [InlineData(0xFEE0_0900UL, 0x1_FEE0_0900UL, false)] // moved above 4 GiB
    public void Apic_base_writes_keep_xapic_mode_at_its_address(ulong current, ulong value, bool allowed) =>
        Assert.Equal(allowed, Dom0MsrPolicy.IsAllowedApicBase(current, value));
}
