using System;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Platform;
using Xunit;

namespace Redoubt.Kernel.Tests.Platform;

// Random configuration writes of every width to the registers the filter rules, from a start
// where everything decodes where it may: whatever the filter lets through, no function with
// memory decoding on ever decodes over RAM or a kept range, except a BAR or ROM parked at all
// ones by the sizing protocol.
public class PciConfigFilterRandomTests
{
    private const uint Nic = 0x0010, Bridge = 0x0018;
    private static readonly int[] s_offsets = [0x04, 0x10, 0x14, 0x18, 0x1C, 0x20, 0x24, 0x28, 0x2C, 0x30, 0x38];
    private static readonly uint[] s_values =
        [0, uint.MaxValue, 0x0800_0000, 0x0FFF_F000, 0xC000_0000, 0xC020_0000, 0xFED4_0000, 0xFFFF_FFFE, 0xFFFF_F800, 0x1, 0x2, 0x4, 0x6, 0x7,
         0xFD, 0x10, 0x08F0_0800, 0xC0F0_C000, 0x0000_FFF0, 0xE0F1_E001, 0x0001_FFF1, 0xFFF0_0000];

    [Theory]
    [InlineData(1), InlineData(2), InlineData(3), InlineData(4), InlineData(5), InlineData(6), InlineData(7), InlineData(8)]
    public void Nothing_the_filter_lets_through_decodes_over_ram_or_kept_ranges(int seed)
    {
        var random = new Random(seed);
        var model = new PciModel();
        model.Add(Nic, 0x0200);
        model.Bar32(Nic, 0, 0x2_0000, 0xC000_0000);
        model.IoBar(Nic, 1, 0xC000);
        model.Bar64(Nic, 2, 0x4000, 0x8_0000_0000);
        model.Bar64(Nic, 4, 0x1000_0000, 0x10_0000_0000);
        model.Rom(Nic, 0x30, 0x4_0000, 0xC010_0000);
        model.Add(Bridge, 0x0604, bridge: true);
        model.Bar32(Bridge, 0, 0x1000, 0xC030_0000);
        model.Rom(Bridge, 0x38, 0x800, 0xC040_0000);
        var policy = new TestDecodePolicy();
        int allowed = 0, refused = 0;
        for (int step = 0; step < 3000; step++)
        {
            uint function = random.Next(2) == 0 ? Nic : Bridge;
            int size = 1 << random.Next(3);
            int offset = s_offsets[random.Next(s_offsets.Length)] + random.Next(4 / size) * size;
            uint value = random.Next(4) == 0 ? (uint)random.NextInt64(0, 1L << 32) : s_values[random.Next(s_values.Length)];
            value >>= 8 * (offset & 3);
            PciModel.Memory config = model.Config;
            if (PciConfigFilter.Write(ref config, policy, function, offset, size, value, out _) == PciVerdict.Allow)
            {
                allowed++;
                model.Write(function, offset & ~3, PciConfigFilter.Merge(model.Read(function, offset & ~3), offset & 3, size, value));
            }
            else
            {
                refused++;
            }
            AssertDecodesWhereItMay(model, Nic, bars: 6, rom: 0x30);
            AssertDecodesWhereItMay(model, Bridge, bars: 2, rom: 0x38);
        }
        Assert.True(allowed > 500 && refused > 20, $"{allowed} allowed, {refused} refused");
    }

    private static void AssertDecodesWhereItMay(PciModel model, uint function, int bars, int rom)
    {
        string? violation = PciDecodeCheck.Violation(model, function, bars, rom);
        Assert.True(violation is null, violation);
    }
}
