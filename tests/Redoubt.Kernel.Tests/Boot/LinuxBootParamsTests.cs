using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Redoubt.Kernel.Boot;
using Xunit;

namespace Redoubt.Kernel.Tests.Boot;

public class LinuxBootParamsTests
{
    private const ulong Kernel = 0x100_0000, CommandLine = 0x2_0000, Ramdisk = 0x800_0000, Rsdp = 0xE_0000;
    private static readonly E820Entry[] s_map =
    [
        new(0, 0x9_F000, E820Entry.Ram),
        new(0xE_0000, 0x2_0000, E820Entry.Reserved),
        new(0x10_0000, 0x3FF0_0000, E820Entry.Ram),   // 1 MiB to 1 GiB
        new(0x1_0000_0000, 0x2_0000_0000, E820Entry.Ram),   // 4 to 12 GiB
    ];

    private static LinuxBootConfig Config(ulong kernel = Kernel, ulong commandLine = CommandLine, uint commandLineLength = 20,
        ulong ramdisk = Ramdisk, ulong ramdiskSize = 0x1_0000, ulong rsdp = Rsdp) =>
        new(kernel, commandLine, commandLineLength, ramdisk, ramdiskSize, rsdp);

    private static LinuxBootParamsStatus Build(LinuxBootConfig config, BzImageBuilder? image = null, E820Entry[]? map = null) =>
        LinuxBootParams.Build((image ?? new BzImageBuilder()).Build(), config, map ?? s_map, new byte[4096]);

    private static uint U32(byte[] page, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(offset));
    private static ulong U64(byte[] page, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(page.AsSpan(offset));

    [Fact]
    public void WritesTheZeroPage()
    {
        byte[] image = new BzImageBuilder().Build();
        byte[] page = new byte[4096];
        Array.Fill(page, (byte)0x77);   // whatever was there is cleared
        Assert.Equal(LinuxBootParamsStatus.Success, LinuxBootParams.Build(image, Config(), s_map, page));

        // The setup header [0x1F1, 0x26C), with the loader's fields over it, and zeros elsewhere.
        byte[] expected = new byte[4096];
        image.AsSpan(0x1F1, 0x26C - 0x1F1).CopyTo(expected.AsSpan(0x1F1));
        expected[0x210] = 0xFF;                                                              // type_of_loader
        expected[0x211] = 0x01;                                                              // loadflags: LOADED_HIGH
        BinaryPrimitives.WriteUInt32LittleEndian(expected.AsSpan(0x214), (uint)Kernel);      // code32_start
        BinaryPrimitives.WriteUInt32LittleEndian(expected.AsSpan(0x218), (uint)Ramdisk);     // ramdisk_image
        BinaryPrimitives.WriteUInt32LittleEndian(expected.AsSpan(0x21C), 0x1_0000);          // ramdisk_size
        BinaryPrimitives.WriteUInt32LittleEndian(expected.AsSpan(0x228), (uint)CommandLine); // cmd_line_ptr
        BinaryPrimitives.WriteUInt64LittleEndian(expected.AsSpan(0x070), Rsdp);              // acpi_rsdp_addr
        expected[0x1E8] = (byte)s_map.Length;                                                // e820_entries
        for (int i = 0; i < s_map.Length; i++)
        {
            Span<byte> entry = expected.AsSpan(0x2D0 + 20 * i, 20);
            BinaryPrimitives.WriteUInt64LittleEndian(entry, s_map[i].Address);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], s_map[i].Length);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[16..], s_map[i].Type);
        }
        Assert.Equal(expected, page);
        Assert.Equal(0xEE, image[0x26C]);   // the setup code after the header stayed behind
    }

    [Fact]
    public void SplitsAddressesAbove4GiBIntoTheExtFields()
    {
        byte[] page = new byte[4096];
        var config = Config(kernel: 0x1_4000_0000, commandLine: 0x1_2345_6000, ramdisk: 0x1_8000_0000, ramdiskSize: 0x1_0000_1000);
        Assert.Equal(LinuxBootParamsStatus.Success, LinuxBootParams.Build(new BzImageBuilder().Build(), config, s_map, page));
        Assert.Equal(0x10_0000u, U32(page, 0x214));   // code32_start keeps the image's value
        Assert.Equal((0x8000_0000u, 1u), (U32(page, 0x218), U32(page, 0x0C0)));
        Assert.Equal((0x1000u, 1u), (U32(page, 0x21C), U32(page, 0x0C4)));
        Assert.Equal((0x2345_6000u, 1u), (U32(page, 0x228), U32(page, 0x0C8)));
    }

    [Fact]
    public void NoRamdiskLeavesItsFieldsZeroAndClearsCanUseHeap()
    {
        byte[] page = new byte[4096];
        var image = new BzImageBuilder { LoadFlags = 0x81 };
        Assert.Equal(LinuxBootParamsStatus.Success, LinuxBootParams.Build(image.Build(), Config(ramdisk: 0xDEAD_BEEF, ramdiskSize: 0, rsdp: 0), s_map, page));
        Assert.Equal((0u, 0u, 0u, 0u), (U32(page, 0x218), U32(page, 0x21C), U32(page, 0x0C0), U32(page, 0x0C4)));
        Assert.Equal(0UL, U64(page, 0x070));
        Assert.Equal(0x01, page[0x211]);
    }

    [Fact]
    public void AcceptsAFullE820TableAndAnEmptyOne()
    {
        var map = new E820Entry[128];
        map[0] = new E820Entry(0x10_0000, 0x3FF0_0000, E820Entry.Ram);
        for (int i = 1; i < 128; i++)
            map[i] = new E820Entry(0x4000_0000 + (ulong)i * 0x1000, 0x1000, (uint)(i % 5 + 1));
        byte[] page = new byte[4096];
        Assert.Equal(LinuxBootParamsStatus.Success, LinuxBootParams.Build(new BzImageBuilder().Build(), Config(), map, page));
        Assert.Equal(128, page[0x1E8]);
        Assert.Equal(map[127].Address, U64(page, 0x2D0 + 127 * 20));
        Assert.Equal(map[127].Type, U32(page, 0x2D0 + 127 * 20 + 16));
        Assert.Equal(0, page[0x2D0 + 128 * 20]);   // eddbuf at 0xD00 untouched

        Assert.Equal(LinuxBootParamsStatus.KernelNotInRam, Build(Config(), map: []));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4095)]
    [InlineData(4097)]
    [InlineData(8192)]
    public void RefusesAZeroPageThatIsNotFourKiB(int length) =>
        Assert.Equal(LinuxBootParamsStatus.WrongZeroPageSize, LinuxBootParams.Build(new BzImageBuilder().Build(), Config(), s_map, new byte[length]));

    [Fact]
    public void RefusesABadKernelImage() =>
        Assert.Equal(LinuxBootParamsStatus.BadKernelImage, Build(Config(), new BzImageBuilder { XLoadFlags = 0 }));

    [Fact]
    public void RefusesBadMemoryMaps()
    {
        Assert.Equal(LinuxBootParamsStatus.TooManyE820Entries, Build(Config(), map: new E820Entry[129]));
        Assert.Equal(LinuxBootParamsStatus.BadE820Entry, Build(Config(), map: [.. s_map, new(0x3_0000_0000, 0, E820Entry.Ram)]));
        Assert.Equal(LinuxBootParamsStatus.BadE820Entry, Build(Config(), map: [.. s_map, new(0x3_0000_0000, 0x1000, 0)]));
        Assert.Equal(LinuxBootParamsStatus.BadE820Entry, Build(Config(), map: [.. s_map, new(0xFFFF_FFFF_FFFF_F000, 0x1001, E820Entry.Reserved)]));
        Assert.Equal(LinuxBootParamsStatus.BadE820Entry, Build(Config(), map: [.. s_map, new(0xFFFF_FFFF_FFFF_F000, 0x1000, E820Entry.Reserved)]));   // ends at 2^64
        Assert.Equal(LinuxBootParamsStatus.Success, Build(Config(), map: [.. s_map, new(0xFFFF_FFFF_FFFF_F000, 0xFFF, E820Entry.Reserved)]));
        Assert.Equal(LinuxBootParamsStatus.E820NotSorted, Build(Config(), map: [s_map[2], s_map[0]]));
        Assert.Equal(LinuxBootParamsStatus.E820NotSorted, Build(Config(), map: [new(0, 0x10_0001, E820Entry.Ram), new(0x10_0000, 0x1000_0000, E820Entry.Ram)]));
        Assert.Equal(LinuxBootParamsStatus.Success, Build(Config(), map: [new(0, 0x10_0000, E820Entry.Ram), new(0x10_0000, 0x1000_0000, E820Entry.Ram)]));
    }

    [Theory]
    [InlineData(0x100_1000UL, LinuxBootParamsStatus.KernelMisaligned)]
    [InlineData(0x110_0000UL, LinuxBootParamsStatus.KernelMisaligned)]
    [InlineData(0x120_0000UL, LinuxBootParamsStatus.Success)]
    [InlineData(0x3FE0_0000UL, LinuxBootParamsStatus.Success)]             // init_size ends just below 1 GiB
    [InlineData(0x4000_0000UL, LinuxBootParamsStatus.KernelNotInRam)]      // a hole
    [InlineData(0x0UL, LinuxBootParamsStatus.KernelNotInRam)]             // spans the hole below 1 MiB
    [InlineData(0xFFFF_FFFF_FFE0_0000UL, LinuxBootParamsStatus.KernelNotInRam)]
    [InlineData(0x1_0000_0000UL, LinuxBootParamsStatus.Success)]
    public void PlacesTheKernel(ulong kernel, LinuxBootParamsStatus expected) =>
        Assert.Equal(expected, Build(Config(kernel: kernel)));

    [Fact]
    public void InitSizeCountsForRamAndWrapping()
    {
        Assert.Equal(LinuxBootParamsStatus.KernelOutOfReach, Build(Config(kernel: 0xFFFF_FFFF_FFE0_0000), new BzImageBuilder { InitSize = 0x20_0000 }));
        Assert.Equal(LinuxBootParamsStatus.Success, Build(Config(kernel: 0x3FE0_0000), new BzImageBuilder { InitSize = 0x20_0000 }));
        Assert.Equal(LinuxBootParamsStatus.KernelNotInRam, Build(Config(kernel: 0x3FE0_0000), new BzImageBuilder { InitSize = 0x20_0001 }));
    }

    [Fact]
    public void WithoutAbove4GEverythingEndsBelow4GiB()
    {
        var image = new BzImageBuilder { XLoadFlags = 1, InitrdAddrMax = 0xFFFF_FFFF };
        Assert.Equal(LinuxBootParamsStatus.Success, Build(Config(), image));
        Assert.Equal(LinuxBootParamsStatus.KernelOutOfReach, Build(Config(kernel: 0x1_0000_0000), image));
        Assert.Equal(LinuxBootParamsStatus.CommandLineOutOfReach, Build(Config(commandLine: 0x1_0000_0000), image));
        Assert.Equal(LinuxBootParamsStatus.CommandLineOutOfReach, Build(Config(commandLine: 0xFFFF_FFF0, commandLineLength: 16), image));
        Assert.Equal(LinuxBootParamsStatus.Success, Build(Config(commandLine: 0xFFFF_FFF0, commandLineLength: 15, ramdiskSize: 0), image));
        Assert.Equal(LinuxBootParamsStatus.RamdiskOutOfReach, Build(Config(ramdisk: 0x1_0000_0000), image));
    }

    [Fact]
    public void TheRamdiskEndsAtOrBelowInitrdAddrMax()
    {
        var image = new BzImageBuilder { XLoadFlags = 1, InitrdAddrMax = 0x3000_FFFF };
        Assert.Equal(LinuxBootParamsStatus.Success, Build(Config(ramdisk: 0x3000_0000, ramdiskSize: 0x1_0000), image));
        Assert.Equal(LinuxBootParamsStatus.RamdiskOutOfReach, Build(Config(ramdisk: 0x3000_0001, ramdiskSize: 0x1_0000), image));
        Assert.Equal(LinuxBootParamsStatus.RamdiskOutOfReach, Build(Config(ramdisk: 0x3000_0000, ramdiskSize: 0x1_0001), image));
        // XLF_CAN_BE_LOADED_ABOVE_4G lifts the limit.
        Assert.Equal(LinuxBootParamsStatus.Success, Build(Config(ramdisk: 0x3800_0000, ramdiskSize: 0x1_0000), new BzImageBuilder { InitrdAddrMax = 0x3000_FFFF }));
        Assert.Equal(LinuxBootParamsStatus.RamdiskOutOfReach, Build(Config(ramdisk: 0xFFFF_FFFF_FFFF_0000, ramdiskSize: 0x1_0000)));
        Assert.Equal(LinuxBootParamsStatus.RamdiskNotInRam, Build(Config(ramdisk: 0x3FFF_F000, ramdiskSize: 0x2000)));
        Assert.Equal(LinuxBootParamsStatus.RamdiskNotInRam, Build(Config(ramdisk: 0xE_0000, ramdiskSize: 0x1000)));   // reserved
    }

    [Theory]
    [InlineData(0x7FFu, CommandLine, LinuxBootParamsStatus.Success)]
    [InlineData(0x800u, CommandLine, LinuxBootParamsStatus.CommandLineTooLong)]
    [InlineData(uint.MaxValue, CommandLine, LinuxBootParamsStatus.CommandLineTooLong)]
    [InlineData(0u, CommandLine, LinuxBootParamsStatus.Success)]
    [InlineData(0u, 0UL, LinuxBootParamsStatus.CommandLineOutOfReach)]
    [InlineData(0u, ulong.MaxValue, LinuxBootParamsStatus.CommandLineOutOfReach)]   // its zero wraps
    public void ChecksTheCommandLine(uint length, ulong address, LinuxBootParamsStatus expected) =>
        Assert.Equal(expected, Build(Config(commandLine: address, commandLineLength: length)));

    [Theory]
    [InlineData(Kernel + 0x10_0000 - 21, Ramdisk, 0x1000UL, LinuxBootParamsStatus.Overlapping)]   // command line's last byte in the kernel
    [InlineData(Kernel + 0x10_0000, Ramdisk, 0x1000UL, LinuxBootParamsStatus.Success)]
    [InlineData(CommandLine, Kernel + 0xF_F000, 0x1000UL, LinuxBootParamsStatus.Overlapping)]     // ramdisk in init_size
    [InlineData(CommandLine, Kernel + 0x10_0000, 0x1000UL, LinuxBootParamsStatus.Success)]
    [InlineData(CommandLine, Kernel - 0x1000, 0x1001UL, LinuxBootParamsStatus.Overlapping)]
    [InlineData(CommandLine, CommandLine + 20, 0x1000UL, LinuxBootParamsStatus.Overlapping)]     // on the command line's zero
    [InlineData(CommandLine, CommandLine + 21, 0x1000UL, LinuxBootParamsStatus.Success)]
    public void RefusesOverlappingPieces(ulong commandLine, ulong ramdisk, ulong ramdiskSize, LinuxBootParamsStatus expected) =>
        Assert.Equal(expected, Build(Config(commandLine: commandLine, ramdisk: ramdisk, ramdiskSize: ramdiskSize)));

    // Decode and validate come before perform: a refused zero page is left as it was; random
    // placements never throw, and accepted ones keep their promises.
    [Fact]
    public void RandomPlacementsNeverThrowAndRefusalsWriteNothing()
    {
        var random = new Random(7);
        byte[] image = new BzImageBuilder().Build();
        var statuses = new HashSet<LinuxBootParamsStatus>();
        ulong[] interesting = [0, Kernel, CommandLine, Ramdisk, 0x1_0000_0000, 0x3FFF_F000, ulong.MaxValue, 0xFFFF_FFFF];
        ulong Pick() => random.Next(3) == 0 ? (ulong)random.NextInt64() : interesting[random.Next(interesting.Length)] + (ulong)random.Next(-2, 3) * 0x1000;
        for (int round = 0; round < 20_000; round++)
        {
            var config = new LinuxBootConfig(Pick() & ~0xFFFUL, Pick(), (uint)random.Next(0, 0x900), Pick(), random.Next(3) == 0 ? 0 : Pick() >> random.Next(64), Pick());
            E820Entry[] map = random.Next(4) == 0 ? [s_map[0], s_map[2], s_map[1]] : s_map;
            byte[] page = new byte[4096];
            Array.Fill(page, (byte)0x5C);
            LinuxBootParamsStatus status = LinuxBootParams.Build(image, config, map, page);
            statuses.Add(status);
            if (status != LinuxBootParamsStatus.Success)
            {
                Assert.All(page, b => Assert.Equal(0x5C, b));
                continue;
            }
            Assert.Equal(0xFF, page[0x210]);
            Assert.Equal(config.CommandLineAddress, U32(page, 0x228) | (ulong)U32(page, 0x0C8) << 32);
            if (config.RamdiskSize != 0)
                Assert.Equal(config.RamdiskAddress, U32(page, 0x218) | (ulong)U32(page, 0x0C0) << 32);
        }
        Assert.Contains(LinuxBootParamsStatus.Success, statuses);
        Assert.True(statuses.Count >= 8, string.Join(", ", statuses));
    }
}
