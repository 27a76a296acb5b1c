using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Platform;
using Xunit;

namespace Redoubt.Kernel.Tests.Platform;

// The rules a hostile review found missing: chipset registers that re-route physical memory,
// extended capabilities that place or resize decoding, a BAR or ROM parked at all ones while
// decoding, CardBus bridges. Each refusal beside the write that still passes.
public class PciChipsetRuleTests
{
    private const uint HostBridge = 0x0000, Nic = 0x0010, CardBus = 0x0020, Lpc = 0x00F8, AmdNorthbridge = 0x00C1;

    private static (PciModel Model, TestDecodePolicy Policy) Machine()
    {
        var model = new PciModel();
        model.Add(HostBridge, 0x0600, 0x29C0_8086);
        model.Add(Lpc, 0x0601, 0x2918_8086);
        model.Add(AmdNorthbridge, 0x0600, 0x1201_1022);
        model.Add(Nic, 0x0200);
        model.Bar32(Nic, 0, 0x200_0000, 0xC000_0000);
        model.Rom(Nic, 0x30, 0x200_0000, 0xC400_0000);
        uint[] cardBus = model.Add(CardBus, 0x0607);
        cardBus[3] = 2u << 16;
        return (model, new TestDecodePolicy());
    }

    private static (PciVerdict Verdict, PciRule Rule) Write(PciModel model, TestDecodePolicy policy, uint function, int offset, uint value)
    {
        PciModel.Memory config = model.Config;
        PciVerdict verdict = PciConfigFilter.Write(ref config, policy, function, offset, 4, value, out PciRule rule);
        if (verdict == PciVerdict.Allow)
            model.Write(function, offset, value);
        return (verdict, rule);
    }

    [Theory]
    [InlineData(Lpc, 0xF0)]             // ICH9 RCBA: QEMU lays its 16 KiB over RAM
    [InlineData(HostBridge, 0x9C)]      // q35 SMRAM, ESMRAMC (TSEG)
    [InlineData(HostBridge, 0xB0)]      // q35 TOLUD
    [InlineData(HostBridge, 0xA8)]      // q35 TOUUD
    [InlineData(AmdNorthbridge, 0x40)]  // AMD D18F1 DRAM base
    [InlineData(AmdNorthbridge, 0xF0)]  // AMD DRAM hole
    public void A_chipset_register_that_reroutes_memory_keeps_its_value(uint function, int offset)
    {
        var (model, policy) = Machine();
        Assert.Equal((PciVerdict.Refuse, PciRule.ChipsetMap), Write(model, policy, function, offset, 0x0123_4001));
        Assert.Equal(0u, model.Read(function, offset));
        // Its current value again changes nothing and passes; other registers of the same
        // function pass (the LPC's PIRQ routing, which ACPI's AML writes).
        Assert.Equal(PciVerdict.Allow, Write(model, policy, function, offset, 0).Verdict);
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Lpc, 0x60, 0x0B0A_0B0A).Verdict);
    }

    [Fact]
    public void Sr_iov_and_resizable_bar_registers_are_refused_and_other_extended_registers_pass()
    {
        var (model, policy) = Machine();
        uint[] nic = model.Functions[Nic].Registers;
        nic[0x100 / 4] = 0x1 | 1u << 16 | 0x140u << 20;       // AER at 100h, next 140h
        nic[0x140 / 4] = 0x10 | 1u << 16 | 0x200u << 20;      // SR-IOV at 140h, next 200h
        nic[0x200 / 4] = 0x15 | 1u << 16;                     // Resizable BAR at 200h, last
        Assert.Equal((PciVerdict.Refuse, PciRule.ExtendedCapability), Write(model, policy, Nic, 0x140 + 0x24, 0xFED0_0000));
        Assert.Equal((PciVerdict.Refuse, PciRule.ExtendedCapability), Write(model, policy, Nic, 0x140 + 0x08, 0x8));
        Assert.Equal((PciVerdict.Refuse, PciRule.ExtendedCapability), Write(model, policy, Nic, 0x200 + 0x08, 0x1F00));
        // AER's status (write 1 to clear) passes.
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x104, 0x1).Verdict);
    }

    [Fact]
    public void A_list_that_loops_ends_the_walk()
    {
        var (model, policy) = Machine();
        model.Functions[Nic].Registers[0x100 / 4] = 0x1 | 0x100u << 20;
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x104, 0x1).Verdict);
    }

    [Fact]
    public void All_ones_in_a_bar_or_rom_is_checked_while_decoding_and_passes_while_not()
    {
        var (model, policy) = Machine();
        // 32 MiB at all ones decodes FE00_0000-FFFF_FFFF: the TPM's window (and the APIC's).
        Assert.Equal((PciVerdict.Refuse, PciRule.Bar), Write(model, policy, Nic, 0x10, uint.MaxValue));
        Assert.Equal((PciVerdict.Refuse, PciRule.RomBar), Write(model, policy, Nic, 0x30, uint.MaxValue));
        // The sizing protocol as an OS runs it: decoding off, all ones, read, restore, decoding on.
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x04, 0x4).Verdict);
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x10, uint.MaxValue).Verdict);
        Assert.Equal(0xFE00_0000u, model.Read(Nic, 0x10));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x10, 0xC000_0000).Verdict);
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x04, 0x6).Verdict);
    }

    [Fact]
    public void A_cardbus_bridge_keeps_its_windows_while_decoding_and_may_not_start_decoding()
    {
        var (model, policy) = Machine();
        Assert.Equal((PciVerdict.Refuse, PciRule.CardBus), Write(model, policy, CardBus, 0x1C, 0x0800_0000));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, CardBus, 0x04, 0x4).Verdict);
        Assert.Equal(PciVerdict.Allow, Write(model, policy, CardBus, 0x1C, 0x0800_0000).Verdict);
        Assert.Equal((PciVerdict.Refuse, PciRule.CardBus), Write(model, policy, CardBus, 0x04, 0x6));
    }
}
