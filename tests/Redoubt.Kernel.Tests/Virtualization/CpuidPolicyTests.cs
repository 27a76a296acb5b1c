using System.Text;
using Redoubt.Kernel.Virtualization;
using Xunit;

namespace Redoubt.Kernel.Tests.Virtualization;

public class CpuidPolicyTests
{
    private static readonly CpuidResult AllOnes = new(0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF);

    [Fact]
    public void SvmAndSkinitAreHidden()
    {
        CpuidResult guest = CpuidPolicy.Filter(0x8000_0001, AllOnes);
        Assert.Equal(0u, guest.Ecx & (1u << 2));
        Assert.Equal(0u, guest.Ecx & (1u << 12));
        Assert.Equal(0xFFFF_FFFFu, guest.Edx);
    }

    [Fact]
    public void SvmFeatureLeafReadsZero()
    {
        Assert.False(CpuidPolicy.UsesHostValues(0x8000_000A));
        CpuidResult guest = CpuidPolicy.Filter(0x8000_000A, AllOnes);
        Assert.Equal(default, guest);
    }

    [Fact]
    public void Leaf1HidesVmxAndMonitorAndSaysHypervisor()
    {
        CpuidResult guest = CpuidPolicy.Filter(1, default);
        Assert.Equal(1u << 31, guest.Ecx);
        guest = CpuidPolicy.Filter(1, AllOnes);
        Assert.Equal(0u, guest.Ecx & ((1u << 5) | (1u << 3)));
    }

    [Theory]
    [InlineData(0u, 0x20u, CpuidPolicy.MaxBasicLeaf)]
    [InlineData(0u, 0x7u, 0x7u)]
    [InlineData(0x8000_0000u, 0x8000_0021u, CpuidPolicy.MaxExtendedLeaf)]
    public void HighestLeavesAreCapped(uint leaf, uint host, uint expected) =>
        Assert.Equal(expected, CpuidPolicy.Filter(leaf, new CpuidResult(host, 1, 2, 3)).Eax);

    [Theory]
    [InlineData(0xEu)]
    [InlineData(0x8000_0009u)]
    [InlineData(0x4000_0001u)]
    [InlineData(0xC000_0000u)]
    public void LeavesPastTheTableReadZero(uint leaf) => Assert.Equal(default, CpuidPolicy.Filter(leaf, AllOnes));

    [Fact]
    public void HypervisorLeafNamesRedoubt()
    {
        CpuidResult guest = CpuidPolicy.Filter(0x4000_0000, AllOnes);
        Assert.Equal(0x4000_0000u, guest.Eax);
        byte[] name = new byte[12];
        System.BitConverter.GetBytes(guest.Ebx).CopyTo(name, 0);
        System.BitConverter.GetBytes(guest.Ecx).CopyTo(name, 4);
        System.BitConverter.GetBytes(guest.Edx).CopyTo(name, 8);
        Assert.Equal("RedoubtHV\0\0\0", Encoding.ASCII.GetString(name));
    }

    [Fact]
    public void OtherLeavesPassThrough()
    {
        var host = new CpuidResult(1, 2, 3, 4);
        Assert.Equal(host, CpuidPolicy.Filter(7, host));
        Assert.Equal(host, CpuidPolicy.Filter(0x8000_0008, host));
    }
}
