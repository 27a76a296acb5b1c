using Redoubt.Kernel.Virtualization;
using Xunit;

namespace Redoubt.Kernel.Tests.Virtualization;

public class XcrPolicyTests
{
    private const ulong HostAvx512 = 0x2E7;   // x87, SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM, PKRU

    [Theory]
    [InlineData(0x1UL, true)]
    [InlineData(0x3UL, true)]
    [InlineData(0x7UL, true)]
    [InlineData(0xE7UL, true)]
    [InlineData(0x207UL, true)]
    [InlineData(0x2E7UL, true)]
    [InlineData(0x0UL, false)]     // x87 is mandatory
    [InlineData(0x2UL, false)]
    [InlineData(0x5UL, false)]     // AVX without SSE
    [InlineData(0x27UL, false)]    // AVX-512 components only together
    [InlineData(0x67UL, false)]
    [InlineData(0xE3UL, false)]    // AVX-512 without AVX
    [InlineData(0x407UL, false)]   // not enabled by the host
    [InlineData(0x8000_0000_0000_0003UL, false)]
    public void Xcr0RulesWithAnAvx512Host(ulong value, bool valid) =>
        Assert.Equal(valid, XcrPolicy.IsValidXcr0(value, HostAvx512));

    [Fact]
    public void NothingBeyondTheHostsXcr0()
    {
        Assert.False(XcrPolicy.IsValidXcr0(0x7, 0x3));
        Assert.True(XcrPolicy.IsValidXcr0(0x3, 0x3));
        Assert.False(XcrPolicy.IsValidXcr0(0x1, 0x0));
    }

    [Theory]
    [InlineData(0x1BUL, true)]       // MPX: BNDREGS and BNDCSR together
    [InlineData(0x0BUL, false)]
    [InlineData(0x13UL, false)]
    [InlineData(0x6_0007UL, true)]   // AMX: XTILECFG and XTILEDATA together
    [InlineData(0x2_0007UL, false)]
    [InlineData(0x4_0007UL, false)]
    public void PairedComponentsComeTogether(ulong value, bool valid) =>
        Assert.Equal(valid, XcrPolicy.IsValidXcr0(value, ulong.MaxValue));

    [Theory]
    [InlineData(1u)]
    [InlineData(0xFFFF_FFFFu)]
    public void OnlyXcr0Exists(uint index)
    {
        Assert.False(XcrPolicy.IsValidXsetbv(index, 0x7, HostAvx512));
        Assert.True(XcrPolicy.IsValidXsetbv(0, 0x7, HostAvx512));
    }

    // Every combination of the low 19 bits against the rules as Intel SDM vol. 1 13.3 lists them.
    [Fact]
    public void MatchesTheArchitecturalRulesExhaustively()
    {
        const ulong host = 0x6_02FF;
        for (ulong value = 0; value < 1 << 19; value++)
        {
            bool bit(int n) => (value >> n & 1) != 0;
            bool expected = (value & ~host) == 0 && bit(0) && !(bit(2) && !bit(1)) && bit(3) == bit(4)
                && bit(5) == bit(6) && bit(6) == bit(7) && (!bit(5) || bit(2)) && bit(17) == bit(18);
            Assert.Equal(expected, XcrPolicy.IsValidXcr0(value, host));
        }
    }
}
