using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Platform;
using Xunit;

namespace Redoubt.Kernel.Tests.Platform;

public class PlatformPortPolicyTests
{
    // QEMU q35 as its FADT and DSDT describe it: PM1a event 600h (4 bytes), control 604h (2),
    // SMI_CMD B2h, reset register CF9h value 0Fh, S3 = 1, S5 = 0.
    public static AcpiPlatform Q35(byte s4bios = 0) => new()
    {
        FadtFound = true,
        Pm1aControl = 0x604,
        Pm1ControlLength = 2,
        Pm1aStatus = 0x600,
        Pm1EventLength = 4,
        SmiCommand = 0xB2,
        S4BiosRequest = s4bios,
        ResetSupported = true,
        ResetSpace = AcpiPlatform.SpaceIo,
        ResetAddress = 0xCF9,
        ResetValue = 0x0F,
        HasS3 = true,
        S3TypeA = 1,
        S3TypeB = 1,
        HasS5 = true,
        S5TypeA = 0,
        S5TypeB = 0,
    };

    private static PortVerdict Write(ushort port, int size, uint value, AcpiPlatform? platform = null) =>
        new PlatformPortPolicy(platform ?? Q35()).Write(port, size, value);

    [Theory]
    [InlineData(0x64), InlineData(0x92), InlineData(0xCF8), InlineData(0xCF9), InlineData(0xCFC), InlineData(0xCFF)]
    [InlineData(0x604), InlineData(0x605), InlineData(0x600), InlineData(0x601), InlineData(0xB2)]
    public void Mediated_ports(ushort port) => Assert.True(new PlatformPortPolicy(Q35()).IsMediated(port));

    [Theory]
    [InlineData(0x60), InlineData(0x61), InlineData(0x602), InlineData(0x603), InlineData(0x606), InlineData(0x608), InlineData(0xCF7), InlineData(0xD00), InlineData(0x3F8)]
    public void Other_ports_reach_the_hardware(ushort port) => Assert.False(new PlatformPortPolicy(Q35()).IsMediated(port));

    [Fact]
    public void The_fadt_reset_value_at_the_reset_register_is_a_reset_request()
    {
        Assert.Equal(PortAction.Reset, Write(0xCF9, 1, 0x0F).Action);
        Assert.Equal(PortReason.ResetRegister, Write(0xCF9, 1, 0x0F).Reason);
    }

    [Theory]
    [InlineData(0x06), InlineData(0x04), InlineData(0x0E), InlineData(0xFF)]
    public void Other_cpu_resets_at_cf9_are_refused(uint value)
    {
        PortVerdict verdict = Write(0xCF9, 1, value);
        Assert.Equal((PortAction.Refuse, PortReason.ResetControl), (verdict.Action, verdict.Reason));
    }

    [Theory]
    [InlineData(0x02), InlineData(0x08), InlineData(0x0A), InlineData(0x00)]
    public void Cf9_bits_that_reset_nothing_pass(uint value) => Assert.Equal(PortAction.PassThrough, Write(0xCF9, 1, value).Action);

    [Fact]
    public void A_word_write_at_cf8_that_covers_cf9_is_checked_like_a_byte()
    {
        Assert.Equal(PortReason.ResetControl, Write(0xCF8, 2, 0x0600).Reason);
        Assert.Equal(PortAction.PassThrough, Write(0xCF8, 2, 0x0200).Action);
    }

    [Fact]
    public void Without_a_reset_register_every_cpu_reset_is_refused()
    {
        AcpiPlatform platform = Q35();
        platform.ResetSupported = false;
        Assert.Equal(PortAction.Refuse, Write(0xCF9, 1, 0x0F, platform).Action);
    }

    [Theory]
    [InlineData(0x01, PortReason.FastReset), InlineData(0x03, PortReason.FastReset), InlineData(0x00, PortReason.FastA20Off)]
    public void Port_92_reset_and_a20_off_are_refused(uint value, PortReason reason)
    {
        PortVerdict verdict = Write(0x92, 1, value);
        Assert.Equal((PortAction.Refuse, reason), (verdict.Action, verdict.Reason));
    }

    [Fact]
    public void Port_92_with_a20_on_and_no_reset_passes() => Assert.Equal(PortAction.PassThrough, Write(0x92, 1, 0x02).Action);

    [Theory]
    [InlineData(0xFE, PortReason.KeyboardReset), InlineData(0xF0, PortReason.KeyboardReset), InlineData(0xFA, PortReason.KeyboardReset)]
    [InlineData(0xD1, PortReason.KeyboardOutputPort), InlineData(0xDD, PortReason.KeyboardA20Off)]
    public void Keyboard_controller_reset_pulses_and_output_port_writes_are_refused(uint command, PortReason reason)
    {
        PortVerdict verdict = Write(0x64, 1, command);
        Assert.Equal((PortAction.Refuse, reason), (verdict.Action, verdict.Reason));
    }

    [Theory]
    [InlineData(0xFF), InlineData(0xF1), InlineData(0x20), InlineData(0x60), InlineData(0xA7), InlineData(0xAA), InlineData(0xD4), InlineData(0xDF)]
    public void Other_keyboard_controller_commands_pass(uint command) => Assert.Equal(PortAction.PassThrough, Write(0x64, 1, command).Action);

    [Fact]
    public void S5_is_a_power_off_request()
    {
        PortVerdict verdict = Write(0x604, 2, 0 << 10 | 1 << 13 | 1);
        Assert.Equal((PortAction.PowerOff, PortReason.SleepS5), (verdict.Action, verdict.Reason));
    }

    [Fact]
    public void S3_is_refused_and_the_status_register_then_reads_wake_until_dom0_clears_it()
    {
        var policy = new PlatformPortPolicy(Q35());
        Assert.Equal(0x0001u, policy.Read(0x600, 2, 0x0001));
        PortVerdict verdict = policy.Write(0x604, 2, 1 << 10 | 1 << 13);
        Assert.Equal((PortAction.RefuseSleep, PortReason.SleepS3, (byte)1), (verdict.Action, verdict.Reason, verdict.SleepType));
        Assert.True(policy.WakePending);
        Assert.Equal(0x8001u, policy.Read(0x600, 2, 0x0001));
        Assert.Equal(0x80u, policy.Read(0x601, 1, 0));
        Assert.Equal(0x0000_8000u, policy.Read(0x600, 4, 0));
        Assert.Equal(0u, policy.Read(0x600, 1, 0));
        // A write of WAK_STS (write one to clear) ends it.
        Assert.Equal(PortAction.PassThrough, policy.Write(0x600, 2, 0x8000).Action);
        Assert.False(policy.WakePending);
        Assert.Equal(0u, policy.Read(0x600, 2, 0));
    }

    [Theory]
    [InlineData(2), InlineData(3), InlineData(5), InlineData(7)]
    public void Other_sleep_types_are_refused(int type)
    {
        PortVerdict verdict = Write(0x604, 2, (uint)(type << 10 | 1 << 13));
        Assert.Equal((PortAction.RefuseSleep, PortReason.SleepOther), (verdict.Action, verdict.Reason));
    }

    [Fact]
    public void A_byte_write_of_the_high_half_counts()
    {
        Assert.Equal(PortAction.RefuseSleep, Write(0x605, 1, (1 << 2) | (1 << 5)).Action);
        Assert.Equal(PortAction.PowerOff, Write(0x605, 1, 1 << 5).Action);
        Assert.Equal(PortAction.PassThrough, Write(0x604, 1, 0xFF).Action);
    }

    [Fact]
    public void Sleep_type_writes_without_sleep_enable_pass() => Assert.Equal(PortAction.PassThrough, Write(0x604, 2, 1 << 10 | 1).Action);

    [Fact]
    public void Without_an_s5_package_even_type_0_is_refused()
    {
        AcpiPlatform platform = Q35();
        platform.HasS5 = false;
        Assert.Equal(PortAction.RefuseSleep, Write(0x604, 2, 1 << 13, platform).Action);
    }

    [Fact]
    public void Pm1b_uses_the_b_sleep_types()
    {
        AcpiPlatform platform = Q35();
        platform.Pm1bControl = 0x620;
        platform.S5TypeB = 7;
        Assert.Equal(PortAction.PowerOff, Write(0x620, 2, 7 << 10 | 1 << 13, platform).Action);
        Assert.Equal(PortAction.RefuseSleep, Write(0x620, 2, 0 << 10 | 1 << 13, platform).Action);
    }

    [Fact]
    public void S4bios_request_is_refused_other_smi_commands_pass()
    {
        Assert.Equal(PortReason.S4BiosRequest, Write(0xB2, 1, 0xF2, Q35(s4bios: 0xF2)).Reason);
        Assert.Equal(PortAction.PassThrough, Write(0xB2, 1, 0xF1, Q35(s4bios: 0xF2)).Action);
        Assert.Equal(PortAction.PassThrough, Write(0xB2, 1, 0x00, Q35()).Action);
    }

    // Every width at every start around each control, with values that set and clear each
    // dangerous bit: nothing dangerous ever passes through.
    [Fact]
    public void No_access_of_any_width_or_alignment_passes_a_dangerous_byte()
    {
        uint[] values = [0, 0xFFFF_FFFF, 0x0101_0101, 0x0606_0606, 0xFEFE_FEFE, 0x2020_2020, 0x2424_2424, 0x0404_0404, 0x0202_0202, 0xD1D1_D1D1, 0xDDDD_DDDD, 0x1234_5678];
        foreach (ushort target in (ushort[])[0x64, 0x92, 0xCF9, 0x605])
        {
            for (int size = 1; size <= 4; size <<= 1)
            {
                for (ushort port = (ushort)(target - 3); port <= target; port++)
                {
                    foreach (uint value in values)
                    {
                        var policy = new PlatformPortPolicy(Q35());
                        PortVerdict verdict = policy.Write(port, size, value);
                        if (!PlatformPortPolicy.ByteAt(port, size, value, target, out byte b) || verdict.Action != PortAction.PassThrough)
                            continue;
                        bool dangerous = target switch
                        {
                            0x64 => (b >= 0xF0 && (b & 1) == 0) || b == 0xD1 || b == 0xDD,
                            0x92 => (b & 1) != 0 || (b & 2) == 0,
                            0xCF9 => (b & 4) != 0,
                            _ => (b & 0x20) != 0,
                        };
                        Assert.False(dangerous, $"{value:x} ({size} bytes) at {port:x} passed {b:x} to {target:x}");
                    }
                }
            }
        }
    }
}
