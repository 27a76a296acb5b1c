using System;
using Redoubt.Kernel.Virtualization;
using Xunit;

namespace Redoubt.Kernel.Tests.Virtualization;

// The table of filtered CPUID values the exit path reads instead of the host's CPUID.
public class CpuidTableTests
{
    // A host whose every leaf reads distinct, recognisable values (all bits of ECX set, so the
    // filter's work shows).
    private readonly struct FakeHost : ICpuidSource
    {
        public CpuidResult Query(uint leaf) => new(leaf ^ 0x1111_1111, leaf ^ 0x2222_2222, 0xFFFF_FFFF, leaf ^ 0x4444_4444);
    }

    private static readonly CpuidTable Table = CpuidTable.Build(new FakeHost());

    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(2u)]
    [InlineData(6u)]
    [InlineData(0xCu)]
    [InlineData(0x8000_0000u)]
    [InlineData(0x8000_0001u)]
    [InlineData(0x8000_0008u)]
    public void A_kept_leaf_holds_exactly_what_the_filter_makes_of_the_hosts_values(uint leaf)
    {
        ref readonly CpuidResult kept = ref Table.Find(leaf, out bool found);
        Assert.True(found);
        CpuidResult expected = CpuidPolicy.Filter(leaf, CpuidPolicy.UsesHostValues(leaf) ? new FakeHost().Query(leaf) : default);
        Assert.Equal(expected, kept);
        Assert.True(Table.TryGet(leaf, out CpuidResult copy));
        Assert.Equal(expected, copy);
    }

    [Theory]
    [InlineData(4u)]
    [InlineData(7u)]
    [InlineData(0xBu)]
    [InlineData(0xDu)]
    [InlineData(0xEu)]
    [InlineData(0x4000_0000u)]
    [InlineData(0x8000_0009u)]
    [InlineData(0x8000_000Au)]
    [InlineData(0xFFFF_FFFFu)]
    public void Subleaf_leaves_and_leaves_past_the_caps_take_the_slow_path(uint leaf)
    {
        Table.Find(leaf, out bool found);
        Assert.False(found);
        Assert.False(Table.TryGet(leaf, out _));
    }

    [Fact]
    public void The_table_keeps_the_filter_hiding_svm_and_naming_the_hypervisor()
    {
        Assert.Equal(0u, Table.Find(0x8000_0001, out _).Ecx & (1u << 2));
        Assert.NotEqual(0u, Table.Find(1, out _).Ecx & (1u << 31));
    }

    [Theory]
    [InlineData(1u, 1UL << 18, 27)]
    [InlineData(7u, 1UL << 22, 4)]
    public void Bits_that_mirror_cr4_follow_the_guests_cr4(uint leaf, ulong cr4Bit, int cpuidBit)
    {
        uint mask = 1u << cpuidBit;
        Assert.Equal(mask, CpuidPolicy.ReflectGuestEcx(leaf, 0, cr4Bit) & mask);
        Assert.Equal(0u, CpuidPolicy.ReflectGuestEcx(leaf, 0xFFFF_FFFF, 0) & mask);
        Assert.Equal(0xFFFF_FFFFu & ~mask, CpuidPolicy.ReflectGuestEcx(leaf, 0xFFFF_FFFF, 0) & ~mask);
        Assert.Equal(CpuidPolicy.ReflectGuestEcx(leaf, 0x1234_5678, cr4Bit), CpuidPolicy.ReflectGuest(leaf, new CpuidResult(0, 0, 0x1234_5678, 0), cr4Bit).Ecx);
    }

    [Fact]
    public void Other_leaves_keep_ecx_whatever_cr4_says()
    {
        foreach (uint leaf in new uint[] { 0, 2, 0xD, 0x8000_0001 })
            Assert.Equal(0xA5A5_A5A5u, CpuidPolicy.ReflectGuestEcx(leaf, 0xA5A5_A5A5, ulong.MaxValue));
    }
}
