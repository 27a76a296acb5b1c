using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Platform;
using Xunit;

namespace Redoubt.Kernel.Tests.Platform;

public class PciConfigFilterTests
{
    private const uint Nic = 0x0010, Iommu = 0x0012, Bridge = 0x0018, HostBridge = 0;
    private const uint Mmio = 0xC000_0000, Ram = 0x0800_0000;

    private static (PciModel Model, TestDecodePolicy Policy) Machine()
    {
        var model = new PciModel();
        model.Add(HostBridge, 0x0600, 0x29C0_8086)[0x60 / 4] = 0xB000_0001;
        model.Add(Nic, 0x0200);
        model.Bar32(Nic, 0, 0x2_0000, Mmio);
        model.IoBar(Nic, 1, 0xC000);
        model.Bar64(Nic, 2, 0x4000, 0x8_0000_0000);
        model.Rom(Nic, 0x30, 0x4_0000, Mmio + 0x10_0000);
        model.Add(Iommu, 0x0806);
        model.Add(Bridge, 0x0604, bridge: true);
        return (model, new TestDecodePolicy());
    }

    private static PciVerdict Write(PciModel model, TestDecodePolicy policy, uint function, int offset, int size, uint value, out PciRule rule)
    {
        PciModel.Memory config = model.Config;
        uint[] before = (uint[])model.Functions[function].Registers.Clone();
        PciVerdict verdict = PciConfigFilter.Write(ref config, policy, function, offset, size, value, out rule);
        // Deciding changes nothing (a sizing is undone).
        Assert.Equal(before, model.Functions[function].Registers);
        if (verdict == PciVerdict.Allow)
        {
            uint dword = PciConfigFilter.Merge(model.Read(function, offset & ~3), offset & 3, size, value);
            model.Write(function, offset & ~3, dword);
        }
        return verdict;
    }

    private static PciVerdict Write(PciModel model, TestDecodePolicy policy, uint function, int offset, int size, uint value) =>
        Write(model, policy, function, offset, size, value, out _);

    [Fact]
    public void A_bar_moved_over_ram_is_refused_and_one_moved_to_device_space_is_not()
    {
        var (model, policy) = Machine();
        Assert.Equal(PciVerdict.Refuse, Write(model, policy, Nic, 0x10, 4, Ram, out PciRule rule));
        Assert.Equal(PciRule.Bar, rule);
        Assert.Equal(Mmio, model.Read(Nic, 0x10));
        Assert.Equal((Ram, Ram + 0x1_FFFF), policy.Asked[^1]);
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x10, 4, Mmio + 0x20_0000));
        Assert.Equal(Mmio + 0x20_0000, model.Read(Nic, 0x10));
        // Its own value again: allowed.
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x10, 4, Mmio + 0x20_0000));
    }

    [Fact]
    public void A_bar_over_a_kept_device_window_is_refused() =>
        Assert.Equal(PciVerdict.Refuse, Write(Machine().Model, Machine().Policy, Nic, 0x10, 4, 0xFED4_0000));

    [Fact]
    public void The_sizing_protocol_works_even_where_the_bar_would_cover_kept_ranges()
    {
        var (model, policy) = Machine();
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x10, 4, uint.MaxValue));
        Assert.Equal(0xFFFE_0000u, model.Read(Nic, 0x10));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x10, 4, Mmio));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x18, 4, uint.MaxValue));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x1C, 4, uint.MaxValue));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x30, 4, 0xFFFF_FFFE));
    }

    [Theory]
    [InlineData(0x12, 2, 0x0800u)]          // the upper half of the BAR: base 0800_0000h
    [InlineData(0x13, 1, 0x08u)]            // its top byte
    public void Partial_writes_are_judged_by_the_dword_they_leave(int offset, int size, uint value)
    {
        var (model, policy) = Machine();
        Assert.Equal(PciVerdict.Refuse, Write(model, policy, Nic, offset, size, value));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, offset, size, size == 2 ? 0xD000u : 0xD0u));
        Assert.Equal(0xD000_0000u, model.Read(Nic, 0x10));
    }

    [Fact]
    public void A_64_bit_bars_upper_half_is_checked_with_its_lower_half()
    {
        var (model, policy) = Machine();
        // The lower half alone at a RAM address: the BAR is at 8_0800_0000h, above RAM.
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x18, 4, Ram | 4));
        // Now the upper half 0 would put it over RAM.
        Assert.Equal(PciVerdict.Refuse, Write(model, policy, Nic, 0x1C, 4, 0, out PciRule rule));
        Assert.Equal(PciRule.Bar, rule);
        Assert.Equal(8u, model.Read(Nic, 0x1C));
        // Into the HyperTransport window.
        Assert.Equal(PciVerdict.Refuse, Write(model, policy, Nic, 0x1C, 4, 0xFD));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x1C, 4, 0x10));
    }

    [Fact]
    public void A_bar_at_the_very_top_does_not_wrap()
    {
        var (model, policy) = Machine();
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x1C, 4, 0xFFFF_FFFF));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x18, 4, 0xFFFF_C000));
        model.Write(Nic, 0x18, 0xFFFF_C004);
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x1C, 4, 0xFFFF_FFFE));
        Assert.Equal((0xFFFF_FFFE_FFFF_C000UL, 0xFFFF_FFFE_FFFF_FFFFUL), policy.Asked[^1]);
    }

    [Fact]
    public void With_memory_decoding_off_bars_move_freely_and_turning_it_on_checks_them()
    {
        var (model, policy) = Machine();
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x04, 2, 0x0004));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x10, 4, Ram));
        Assert.Equal(PciVerdict.Refuse, Write(model, policy, Nic, 0x04, 2, 0x0006, out PciRule rule));
        Assert.Equal(PciRule.Command, rule);
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x10, 4, Mmio));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x04, 2, 0x0006));
        // Bus mastering and other bits while decoding stays on: no BAR is sized again.
        int writes = model.Writes;
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x04, 2, 0x0007));
        Assert.Equal(writes + 1, model.Writes);
    }

    [Fact]
    public void A_written_value_cannot_pass_a_memory_bar_off_as_an_io_bar()
    {
        // Bit 0 of a BAR is read-only: writing it set does not make the BAR an I/O BAR.
        var (model, policy) = Machine();
        Assert.Equal(PciVerdict.Refuse, Write(model, policy, Nic, 0x10, 4, Ram | 1));
        // Nor does clearing a 64-bit prefetchable window's low nibble make it a 32-bit one: with
        // its upper halves at 10h, low bits that are RAM below 4 GiB are 10_0800_0000h.
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Bridge, 0x24, 4, 0xE0F1_E001));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Bridge, 0x28, 4, 0x10));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Bridge, 0x2C, 4, 0x10));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Bridge, 0x24, 4, 0x08F0_0800));
        Assert.Equal(0x08F1_0801u, model.Read(Bridge, 0x24));
    }

    [Fact]
    public void Io_bars_are_not_checked() =>
        Assert.Equal(PciVerdict.Allow, Write(Machine().Model, Machine().Policy, Nic, 0x14, 4, 0x0000_0061));

    [Fact]
    public void The_expansion_rom_is_checked_only_when_enabled()
    {
        var (model, policy) = Machine();
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x30, 4, Ram));
        Assert.Equal(PciVerdict.Refuse, Write(model, policy, Nic, 0x30, 4, Ram | 1, out PciRule rule));
        Assert.Equal(PciRule.RomBar, rule);
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x30, 4, Mmio + 0x40_0001));
    }

    [Fact]
    public void Bridge_windows_over_ram_are_refused_disabled_ones_are_not()
    {
        var (model, policy) = Machine();
        // Memory window 0800_0000h-08FF_FFFFh.
        Assert.Equal(PciVerdict.Refuse, Write(model, policy, Bridge, 0x20, 4, 0x08F0_0800, out PciRule rule));
        Assert.Equal(PciRule.BridgeWindow, rule);
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Bridge, 0x20, 4, 0xC0F0_C000));
        // Disabled: base above limit.
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Bridge, 0x20, 4, 0x0000_FFF0));
        // A 64-bit prefetchable window E000_0000h-E0FF_FFFFh, then moved by its upper halves
        // in Linux's order; into the HyperTransport window it may not go.
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Bridge, 0x24, 4, 0xE0F1_E001));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Bridge, 0x28, 4, 0xFD));
        Assert.Equal(PciVerdict.Refuse, Write(model, policy, Bridge, 0x2C, 4, 0xFD));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Bridge, 0x28, 4, 0x10));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Bridge, 0x2C, 4, 0x10));
        // Back below 4 GiB by its upper base alone: over the TPM's window, no.
        Assert.Equal(PciVerdict.Refuse, Write(model, policy, Bridge, 0x28, 4, 0));
        // A 16-bit write of the memory window's base alone that stretches it over RAM.
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Bridge, 0x20, 4, 0xC0F0_C000));
        Assert.Equal(PciVerdict.Refuse, Write(model, policy, Bridge, 0x20, 2, 0x0800));
    }

    [Fact]
    public void The_iommu_function_is_hidden()
    {
        var (model, _) = Machine();
        PciModel.Memory config = model.Config;
        Assert.Equal(PciVerdict.Hide, PciConfigFilter.Read(ref config, Iommu, 0, 4, out PciRule rule));
        Assert.Equal(PciRule.HiddenFunction, rule);
        Assert.Equal(PciVerdict.Hide, PciConfigFilter.Read(ref config, Iommu, 0x100, 2, out _));
        Assert.Equal(PciVerdict.Hide, Write(model, new TestDecodePolicy(), Iommu, 0x04, 2, 0));
        Assert.Equal(PciVerdict.Allow, PciConfigFilter.Read(ref config, Nic, 0, 4, out _));
    }

    [Theory]
    [InlineData(0x01, 2), InlineData(0x02, 4), InlineData(0x03, 2), InlineData(0x10, 3), InlineData(0x10, 8), InlineData(0xFFF, 2), InlineData(0x1000, 1), InlineData(-4, 4)]
    public void Malformed_accesses_are_refused(int offset, int size)
    {
        var (model, policy) = Machine();
        PciModel.Memory config = model.Config;
        Assert.Equal(PciVerdict.Refuse, PciConfigFilter.Read(ref config, Nic, offset, size, out PciRule rule));
        Assert.Equal(PciRule.BadAccess, rule);
        Assert.Equal(PciVerdict.Refuse, PciConfigFilter.Write(ref config, policy, Nic, offset, size, 0, out _));
    }

    [Fact]
    public void The_q35_pciexbar_keeps_its_value()
    {
        var (model, policy) = Machine();
        Assert.Equal(PciVerdict.Refuse, Write(model, policy, HostBridge, 0x60, 4, 0x0800_0001, out PciRule rule));
        Assert.Equal(PciRule.EcamBase, rule);
        Assert.Equal(PciVerdict.Refuse, Write(model, policy, HostBridge, 0x60, 1, 0));
        Assert.Equal(PciVerdict.Refuse, Write(model, policy, HostBridge, 0x64, 4, 1));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, HostBridge, 0x60, 4, 0xB000_0001));
        // Another vendor's register 60h is nothing of the kind.
        model.Functions[HostBridge].Registers[0] = 0x1450_1022;
        Assert.Equal(PciVerdict.Allow, Write(model, policy, HostBridge, 0x60, 4, 0));
    }

    [Theory]
    [InlineData(0x2918_8086u, 0x40, 4, 0x0000_0801u)]   // ICH9 PMBASE moved to 800h
    [InlineData(0x2918_8086u, 0x41, 1, 0x08u)]
    [InlineData(0x2918_8086u, 0x44, 1, 0x00u)]          // ACPI_CNTL: PM decoding off
    [InlineData(0x7113_8086u, 0x40, 2, 0x0801u)]        // PIIX4 PMBA
    public void The_power_management_base_keeps_its_value(uint vendorDevice, int offset, int size, uint value)
    {
        var (model, policy) = Machine();
        uint[] registers = model.Add(0x00F8, 0x0601, vendorDevice);
        registers[0x40 / 4] = 0x0000_0601;
        registers[0x44 / 4] = 0x0000_0080;
        Assert.Equal(PciVerdict.Refuse, Write(model, policy, 0x00F8, offset, size, value, out PciRule rule));
        Assert.Equal(PciRule.PmBase, rule);
        Assert.Equal(PciVerdict.Allow, Write(model, policy, 0x00F8, 0x40, 4, 0x0000_0601));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, 0x00F8, 0x48, 4, 0x1234));
    }

    [Fact]
    public void Everything_else_passes_unchanged()
    {
        var (model, policy) = Machine();
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x3C, 1, 11));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x0C, 1, 0x10));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x44, 4, 0x1234));
        Assert.Equal(PciVerdict.Allow, Write(model, policy, Nic, 0x104, 4, 0xFFFF_FFFF));
    }

    [Theory]
    [InlineData(0u, 0, 4, 0x1234_5678u, 0x1234_5678u)]
    [InlineData(0xAABB_CCDDu, 1, 1, 0x11u, 0xAABB_11DDu)]
    [InlineData(0xAABB_CCDDu, 2, 2, 0x1122u, 0x1122_CCDDu)]
    [InlineData(0xAABB_CCDDu, 0, 2, 0xFFFF_1122u, 0xAABB_1122u)]
    public void Merge_places_the_written_bytes(uint current, int at, int size, uint value, uint expected) =>
        Assert.Equal(expected, PciConfigFilter.Merge(current, at, size, value));
}
