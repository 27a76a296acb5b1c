using System;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Platform;

namespace Redoubt.Fuzz.Policies;

// Fuzz target over Dom0's PCI configuration filter (PciConfigFilter) on a model of devices: a
// NIC (memory, I/O and 64-bit BARs, a ROM, sizes and places from the input), a bridge (a BAR, a
// ROM, both windows), an AMD IOMMU function (class 0806h) and q35's host bridge. Input: the
// devices' sizes, then repeated accesses (function, offset, width, value; offsets and values
// biased towards the registers and addresses the rules are about). Each allowed write is carried
// out on the model as the image carries it out. After every access:
//   - the filter did not throw, and an access that is not 1, 2 or 4 naturally aligned bytes
//     inside the function was refused;
//   - no function with memory decoding on decodes over RAM or a kept range (PciDecodeCheck),
//     except a BAR or ROM parked at all ones by the sizing protocol;
//   - the IOMMU function is hidden (reads and writes) and its registers never change;
//   - the host bridge's PCIEXBAR (60h-67h) never changes.
public static class PciConfigTarget
{
    public const string Name = "pci";

    private const uint Nic = 0x0010, Bridge = 0x0018, Iommu = 0x0020, HostBridge = 0x0000;
    private static readonly int[] s_offsets = [0x04, 0x10, 0x14, 0x18, 0x1C, 0x20, 0x24, 0x28, 0x2C, 0x30, 0x38, 0x60, 0x64, 0x02, 0x3C, 0xFFC];
    private static readonly uint[] s_values =
        [0, uint.MaxValue, 0x0800_0000, 0x0FFF_F000, 0xC000_0000, 0xC020_0000, 0xFED4_0000, 0xFFFF_FFFE, 0xFFFF_F800, 0x1, 0x2, 0x4, 0x6, 0x7,
         0xFD, 0x10, 0x08F0_0800, 0xC0F0_C000, 0x0000_FFF0, 0xE0F1_E001, 0x0001_FFF1, 0xFFF0_0000, 0xB000_0001, 0xFD];
    private static readonly uint[] s_functions = [Nic, Bridge, Iommu, HostBridge];

    // enforce: false carries every write out as if the filter had allowed it: the control that
    // shows the checks see a broken promise when there is one (PolicyTargetControlTests).
    public static void Run(ReadOnlySpan<byte> input, bool enforce = true)
    {
        var reader = new InputReader(input);
        var model = new PciModel();
        model.Add(Nic, 0x0200);
        model.Bar32(Nic, 0, 0x1000u << (reader.ReadByte() % 12), 0xC000_0000);
        model.IoBar(Nic, 1, 0xC000);
        model.Bar64(Nic, 2, 0x1000UL << (reader.ReadByte() % 20), 0x8_0000_0000);
        model.Bar64(Nic, 4, 0x1000UL << (reader.ReadByte() % 25), 0x10_0000_0000);
        model.Rom(Nic, 0x30, 0x800u << (reader.ReadByte() % 8), 0xC010_0000);
        model.Add(Bridge, 0x0604, bridge: true);
        model.Bar32(Bridge, 0, 0x1000, 0xC030_0000);
        model.Rom(Bridge, 0x38, 0x800, 0xC040_0000);
        uint[] iommu = model.Add(Iommu, 0x0806);
        model.Bar64(Iommu, 0, 0x8_0000, 0xFEB8_0000);
        uint[] host = model.Add(HostBridge, 0x0600, vendorDevice: 0x29C0_8086);
        host[0x60 / 4] = 0xB000_0001;
        uint[] iommuBefore = (uint[])iommu.Clone();
        (uint low, uint high) pciExBar = (host[0x60 / 4], host[0x64 / 4]);
        var policy = new TestDecodePolicy();

        for (int step = 0; step < 96 && !reader.AtEnd; step++)
        {
            byte selector = reader.ReadByte();
            uint function = s_functions[selector & 3];
            bool write = (selector & 4) == 0;
            int size = (selector >> 3 & 3) switch { 0 => 1, 1 => 2, 2 => 4, _ => reader.ReadByte() % 9 };
            byte offsetTag = reader.ReadByte();
            int offset = offsetTag < 0xC0 ? s_offsets[offsetTag % s_offsets.Length] + (offsetTag >> 4 & 3) : reader.ReadUInt16() % 0x1004 - 2;
            byte valueTag = reader.ReadByte();
            uint value = valueTag < 0xC0 ? s_values[valueTag % s_values.Length] >> (8 * (offset & 3)) : (uint)reader.ReadUInt16() | (uint)reader.ReadUInt16() << 16;
            string what = $"step {step}: {(write ? "write" : "read")} of {size} bytes at {function:x}+{offset:x} = {value:x}";
            PciModel.Memory config = model.Config;
            PciVerdict verdict = write
                ? PciConfigFilter.Write(ref config, policy, function, offset, size, value, out _)
                : PciConfigFilter.Read(ref config, function, offset, size, out _);
            bool wellFormed = size is 1 or 2 or 4 && offset >= 0 && offset % size == 0 && offset + size <= PciConfigFilter.FunctionSize;
            if (!enforce)
                verdict = wellFormed ? PciVerdict.Allow : verdict;
            if (enforce && !wellFormed && verdict != PciVerdict.Refuse)
                throw new FuzzFailure($"{what}: malformed, yet {verdict}");
            if (enforce && function == Iommu && wellFormed && verdict != PciVerdict.Hide)
                throw new FuzzFailure($"{what}: the IOMMU's function is not hidden ({verdict})");
            if (write && verdict == PciVerdict.Allow)
                model.Write(function, offset & ~3, PciConfigFilter.Merge(model.Read(function, offset & ~3), offset & 3, size, value));
            string? violation = PciDecodeCheck.Violation(model, Nic, bars: 6, rom: 0x30) ?? PciDecodeCheck.Violation(model, Bridge, bars: 2, rom: 0x38);
            if (violation is not null)
                throw new FuzzFailure($"{what}: {violation}");
            if (!iommu.AsSpan().SequenceEqual(iommuBefore))
                throw new FuzzFailure($"{what}: the IOMMU's function changed");
            if ((host[0x60 / 4], host[0x64 / 4]) != pciExBar)
                throw new FuzzFailure($"{what}: the host bridge's PCIEXBAR moved to {host[0x64 / 4]:x}{host[0x60 / 4]:x8}");
        }
    }
}
