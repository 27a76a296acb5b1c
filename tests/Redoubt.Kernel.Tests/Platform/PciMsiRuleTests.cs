using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Platform;
using Xunit;

namespace Redoubt.Kernel.Tests.Platform;

// The MSI rule of PciConfigFilter: message data keeps a delivery mode of fixed or lowest priority.
public class PciMsiRuleTests
{
    private const uint Device = 0x0010;
    private const uint Fixed = 0x0041, LowestPriority = 0x0141, Smi = 0x0200, Nmi = 0x0400, Init = 0x0500, ExtInt = 0x0741;

    // A function with a power-management capability at 40h, then MSI at 50h (64-bit addresses
    // when wide: data at 5Ch, else at 58h).
    private static PciModel Model(bool wide, bool listed = true)
    {
        var model = new PciModel();
        uint[] registers = model.Add(Device, 0x0106);
        registers[1] |= listed ? 1u << 20 : 0;
        registers[0x34 / 4] = 0x40;
        registers[0x40 / 4] = 0x01 | 0x50 << 8;
        registers[0x50 / 4] = 0x05 | (wide ? 1u << 23 : 0);
        return model;
    }

    private static PciVerdict Write(PciModel model, int offset, int size, uint value, out PciRule rule)
    {
        PciModel.Memory config = model.Config;
        PciVerdict verdict = PciConfigFilter.Write(ref config, new TestDecodePolicy(), Device, offset, size, value, out rule);
        if (verdict == PciVerdict.Allow)
            model.Write(Device, offset & ~3, PciConfigFilter.Merge(model.Read(Device, offset & ~3), offset & 3, size, value));
        return verdict;
    }

    [Theory]
    [InlineData(Smi)]
    [InlineData(Nmi)]
    [InlineData(Init)]
    [InlineData(ExtInt)]
    public void Message_data_that_would_send_smi_nmi_init_or_extint_is_refused_and_the_register_keeps_its_value(uint data)
    {
        foreach (bool wide in new[] { true, false })
        {
            PciModel model = Model(wide);
            int at = wide ? 0x5C : 0x58;
            // The control: ordinary data is written.
            Assert.Equal(PciVerdict.Allow, Write(model, at, 4, Fixed, out _));
            Assert.Equal(Fixed, model.Read(Device, at));
            Assert.Equal(PciVerdict.Refuse, Write(model, at, 4, data, out PciRule rule));
            Assert.Equal(PciRule.MsiDeliveryMode, rule);
            Assert.Equal(PciVerdict.Refuse, Write(model, at, 2, data, out _));
            Assert.Equal(PciVerdict.Refuse, Write(model, at + 1, 1, data >> 8, out _));
            Assert.Equal(Fixed, model.Read(Device, at));
        }
    }

    [Fact]
    public void Lowest_priority_passes_and_the_other_msi_registers_are_not_data()
    {
        PciModel model = Model(wide: true);
        Assert.Equal(PciVerdict.Allow, Write(model, 0x5C, 4, LowestPriority, out _));
        // The upper address (58h in the 64-bit layout) may hold any value.
        Assert.Equal(PciVerdict.Allow, Write(model, 0x58, 4, Init, out _));
        Assert.Equal(PciVerdict.Allow, Write(model, 0x54, 4, 0xFEE0_0000, out _));
    }

    [Fact]
    public void Without_a_capability_list_or_with_a_looping_one_nothing_is_taken_for_msi_data()
    {
        Assert.Equal(PciVerdict.Allow, Write(Model(wide: true, listed: false), 0x5C, 4, Init, out _));
        PciModel looping = Model(wide: true);
        looping.Functions[Device].Registers[0x40 / 4] = 0x01 | 0x40 << 8;
        Assert.Equal(PciVerdict.Allow, Write(looping, 0x5C, 4, Init, out _));
    }
}
