using System.Text;
using Redoubt.Dom0.Control;
using Redoubt.Kernel.Virtualization;
using Xunit;

namespace Redoubt.Dom0.Tests;

public class HypervisorSignatureTests
{
    private static readonly CpuidRegisters WithHypervisor = new(0, 0, HypervisorSignature.HypervisorPresentBit, 0);

    private static CpuidRegisters Leaf(string signature, uint maxLeaf = 0x4000_0001)
    {
        byte[] bytes = new byte[12];
        Encoding.ASCII.GetBytes(signature).CopyTo(bytes, 0);
        return new CpuidRegisters(maxLeaf, System.BitConverter.ToUInt32(bytes, 0), System.BitConverter.ToUInt32(bytes, 4), System.BitConverter.ToUInt32(bytes, 8));
    }

    [Fact]
    public void TheConstantsSpellRedoubtHV() =>
        Assert.Equal(Leaf("RedoubtHV", 0x4000_0000), new CpuidRegisters(0x4000_0000, HypervisorSignature.RedoubtEbx, HypervisorSignature.RedoubtEcx, HypervisorSignature.RedoubtEdx));

    [Fact]
    public void AcceptsWhatRedoubtsCpuidPolicyGivesAGuest()
    {
        // The kernel's own filter, over a host that has no hypervisor bit.
        CpuidResult leaf1 = CpuidPolicy.Filter(1, new CpuidResult(0x00A00F11, 0x00000800, 0x7ED8320B, 0x178BFBFF));
        CpuidResult hv = CpuidPolicy.Filter(CpuidPolicy.HypervisorLeaf, default);
        var features = new CpuidRegisters(leaf1.Eax, leaf1.Ebx, leaf1.Ecx, leaf1.Edx);
        var hypervisor = new CpuidRegisters(hv.Eax, hv.Ebx, hv.Ecx, hv.Edx);
        Assert.True(HypervisorSignature.IsRedoubt(features, hypervisor));
        Assert.Null(HypervisorSignature.WhyNotRedoubt(features, hypervisor));
        Assert.Equal("RedoubtHV", HypervisorSignature.Text(hypervisor));
    }

    [Fact]
    public void BareMetalHasNoHypervisorBit()
    {
        var features = new CpuidRegisters(0x00A00F11, 0, 0x7ED8320B, 0x178BFBFF);
        Assert.Equal("no hypervisor: CPUID leaf 1 ECX bit 31 is clear", HypervisorSignature.WhyNotRedoubt(features, Leaf("RedoubtHV")));
    }

    [Theory]
    [InlineData("KVMKVMKVM", "KVMKVMKVM")]
    [InlineData("Microsoft Hv", "Microsoft Hv")]
    [InlineData("bhyve bhyve ", "bhyve bhyve ")]
    [InlineData("RedoubtHW", "RedoubtHW")]
    [InlineData("RedoubtHV\u0001", "RedoubtHV\\x01")]
    [InlineData("", "")]
    public void OtherSignaturesAreNamed(string signature, string shown)
    {
        Assert.False(HypervisorSignature.IsRedoubt(WithHypervisor, Leaf(signature)));
        Assert.Equal($"the hypervisor's signature is \"{shown}\", not \"RedoubtHV\"", HypervisorSignature.WhyNotRedoubt(WithHypervisor, Leaf(signature)));
    }

    [Fact]
    public void TheHighestLeafMustCoverTheSignatureLeaf()
    {
        Assert.True(HypervisorSignature.IsRedoubt(WithHypervisor, Leaf("RedoubtHV", 0x4000_0000)));
        Assert.True(HypervisorSignature.IsRedoubt(WithHypervisor, Leaf("RedoubtHV", 0x4000_0010)));
        Assert.False(HypervisorSignature.IsRedoubt(WithHypervisor, Leaf("RedoubtHV", 0x0000_000D)));
    }

    [Fact]
    public void NonPrintableAndQuoteBytesAreEscaped()
    {
        var registers = new CpuidRegisters(0, 0x00_22_5C_FF, 0x41, 0);
        Assert.Equal("\\xFF\\x5C\\x22\\x00A", HypervisorSignature.Text(registers));
    }
}
