using System.Collections.Generic;
using Redoubt.Kernel.Virtualization;
using Xunit;

namespace Redoubt.Kernel.Tests.Virtualization;

// Which speculation-control and TSC_AUX MSRs a CPU has, from its CPUID, and the values guests
// may write to them.
public class HostMsrFeaturesTests
{
    private readonly struct FakeCpuid(Dictionary<uint, CpuidResult> leaves) : ICpuidSource
    {
        public CpuidResult Query(uint leaf) => leaves.TryGetValue(leaf, out CpuidResult result) ? result : default;
    }

    private static HostMsrFeatures Detect(uint leaf7Edx = 0, uint leaf7Ecx = 0, uint ext1Edx = 0, uint ext8Ebx = 0, uint leaf1Eax = 0x0080_0F12,
        uint maxBasic = 0xD, uint maxExtended = 0x8000_0008) =>
        HostMsrFeatures.Detect(new FakeCpuid(new Dictionary<uint, CpuidResult>
        {
            [0] = new(maxBasic, 0, 0, 0),
            [1] = new(leaf1Eax, 0, 0, 0),
            [7] = new(0, 0, leaf7Ecx, leaf7Edx),
            [0x8000_0000] = new(maxExtended, 0, 0, 0),
            [0x8000_0001] = new(0, 0, 0, ext1Edx),
            [0x8000_0008] = new(0, ext8Ebx, 0, 0),
        }));

    [Fact]
    public void Qemus_epyc_model_has_no_speculation_msrs_but_tsc_aux()
    {
        // QEMU 7.2 TCG, -cpu EPYC: family 17h, RDTSCP, nothing in 8000_0008h EBX's IBPB/IBRS bits.
        HostMsrFeatures features = Detect(ext1Edx: 1u << 27, leaf1Eax: 0x0080_0F12);
        Assert.False(features.Ibpb);
        Assert.False(features.SpecCtrl);
        Assert.True(features.TscAux);
        Assert.Equal(0x17u, features.Family);
        Assert.False(features.IsValidSpecCtrl(0));
        Assert.False(features.IsValidPredCmd(1));
    }

    [Fact]
    public void Amd_bits_give_ibpb_and_each_spec_ctrl_bit()
    {
        HostMsrFeatures features = Detect(ext8Ebx: (1u << 12) | (1u << 14) | (1u << 15) | (1u << 24));
        Assert.True(features.Ibpb);
        Assert.Equal(7UL, features.SpecCtrlBits);
        Assert.Equal(HostMsrFeatures.SpecCtrlSsbd, Detect(ext8Ebx: 1u << 24).SpecCtrlBits);
        Assert.False(Detect(ext8Ebx: 1u << 24).Ibpb);
    }

    [Fact]
    public void Intel_bits_give_the_same()
    {
        HostMsrFeatures features = Detect(leaf7Edx: (1u << 26) | (1u << 27) | (1u << 31), leaf7Ecx: 1u << 22);
        Assert.True(features.Ibpb);
        Assert.Equal(7UL, features.SpecCtrlBits);
        Assert.True(features.TscAux);   // RDPID alone
    }

    [Fact]
    public void Leaves_past_the_maximum_are_not_read()
    {
        HostMsrFeatures features = Detect(leaf7Edx: 1u << 26, ext8Ebx: 1u << 12, ext1Edx: 1u << 27, maxBasic: 6, maxExtended: 0x8000_0000);
        Assert.False(features.Ibpb);
        Assert.False(features.SpecCtrl);
        Assert.False(features.TscAux);
    }

    [Theory]
    [InlineData(0x0000_0F00u, 0xFu)]       // family 0Fh, no extension
    [InlineData(0x0080_0F12u, 0x17u)]      // EPYC (Zen)
    [InlineData(0x00A0_0F11u, 0x19u)]      // Zen 3
    [InlineData(0x0000_0610u, 0x6u)]       // base family only
    public void The_family_adds_the_extended_family_only_to_0Fh(uint leaf1Eax, uint family) =>
        Assert.Equal(family, Detect(leaf1Eax: leaf1Eax).Family);

    [Theory]
    [InlineData(0x0UL, true)]
    [InlineData(0x4UL, true)]      // SSBD
    [InlineData(0x5UL, true)]
    [InlineData(0x2UL, false)]     // STIBP: not on this CPU
    [InlineData(0x8UL, false)]     // reserved
    public void Spec_ctrl_takes_only_the_bits_the_cpu_has(ulong value, bool valid) =>
        Assert.Equal(valid, new HostMsrFeatures(ibpb: true, specCtrlBits: 5, tscAux: true, family: 0x17).IsValidSpecCtrl(value));

    [Theory]
    [InlineData(0x0UL, true)]
    [InlineData(0x1UL, true)]
    [InlineData(0x80UL, false)]    // SBPB: not offered
    public void Pred_cmd_takes_ibpb_only(ulong value, bool valid) =>
        Assert.Equal(valid, new HostMsrFeatures(ibpb: true, specCtrlBits: 0, tscAux: false, family: 0x17).IsValidPredCmd(value));

    [Theory]
    [InlineData(0x0UL, true)]
    [InlineData(0xFFFF_FFFFUL, true)]
    [InlineData(0x1_0000_0000UL, false)]
    public void Tsc_aux_is_32_bits(ulong value, bool valid) =>
        Assert.Equal(valid, new HostMsrFeatures(ibpb: false, specCtrlBits: 0, tscAux: true, family: 0x17).IsValidTscAux(value));

    [Fact]
    public void Without_the_msrs_nothing_is_valid()
    {
        var none = new HostMsrFeatures(ibpb: false, specCtrlBits: 0, tscAux: false, family: 0x17);
        Assert.False(none.IsValidSpecCtrl(0));
        Assert.False(none.IsValidPredCmd(0));
        Assert.False(none.IsValidTscAux(0));
    }
}
