using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using Redoubt.Kernel.Boot;
using Xunit;

namespace Redoubt.Kernel.Tests.Boot;

public class LinuxKernelImageTests
{
    private static LinuxKernelImageStatus Parse(BzImageBuilder builder) => LinuxKernelImage.Parse(builder.Build(), out _);

    [Fact]
    public void ParsesATypicalImage()
    {
        byte[] file = new BzImageBuilder().Build();
        Assert.Equal(LinuxKernelImageStatus.Success, LinuxKernelImage.Parse(file, out LinuxKernelLayout layout));
        Assert.Equal((ushort)0x020F, layout.ProtocolVersion);
        Assert.Equal((0x1F1, 0x26C, 0x26C - 0x1F1), (LinuxKernelLayout.SetupHeaderOffset, layout.SetupHeaderEnd, layout.SetupHeaderLength));
        Assert.Equal((5 * 512, 0x3000), (layout.ProtectedModeOffset, layout.ProtectedModeLength));
        Assert.Equal(file.Length, layout.ProtectedModeOffset + layout.ProtectedModeLength);
        Assert.Equal(0x100_0000UL, layout.PreferredAddress);
        Assert.Equal((0x20_0000u, (byte)21), (layout.KernelAlignment, layout.MinAlignmentShift));
        Assert.Equal(0x10_0000u, layout.InitSize);
        Assert.Equal((0x7FFu, 0x7FFF_FFFFu), (layout.CommandLineSize, layout.InitrdAddressMax));
        Assert.Equal(((byte)1, (ushort)3), (layout.LoadFlags, layout.XLoadFlags));
        Assert.True(layout.CanBeLoadedAbove4G);
        Assert.Equal(0x200, LinuxKernelLayout.Entry64Offset);
    }

    [Theory]
    [InlineData(0, 5)]   // 0 means 4 setup sectors
    [InlineData(1, 2)]
    [InlineData(4, 5)]
    [InlineData(39, 40)]
    [InlineData(255, 256)]
    public void TheProtectedModeCodeFollowsTheSetupSectors(byte setupSects, int sectorsBefore)
    {
        var builder = new BzImageBuilder { SetupSects = setupSects };
        Assert.Equal(LinuxKernelImageStatus.Success, LinuxKernelImage.Parse(builder.Build(), out LinuxKernelLayout layout));
        Assert.Equal(sectorsBefore * 512, layout.ProtectedModeOffset);
        Assert.Equal(0x3000, layout.ProtectedModeLength);
    }

    [Fact]
    public void RefusesShortFiles()
    {
        byte[] file = new BzImageBuilder().Build();
        for (int length = 0; length < 1024; length++)
            Assert.Equal(LinuxKernelImageStatus.Truncated, LinuxKernelImage.Parse(file.AsSpan(0, length), out _));
    }

    [Fact]
    public void RefusesAFileThatEndsWithTheSetupCode()
    {
        byte[] file = new BzImageBuilder().Build();
        Assert.Equal(LinuxKernelImageStatus.SetupOutOfFile, LinuxKernelImage.Parse(file.AsSpan(0, 5 * 512), out _));
        Assert.Equal(LinuxKernelImageStatus.SetupOutOfFile, LinuxKernelImage.Parse(file.AsSpan(0, 5 * 512 - 1), out _));
        var small = new BzImageBuilder { SetupSects = 1, ProtectedModeLength = 0x1000 };
        Assert.Equal(LinuxKernelImageStatus.SetupOutOfFile, LinuxKernelImage.Parse(small.Build().AsSpan(0, 1024), out _));
    }

    [Theory]
    [InlineData(nameof(BzImageBuilder.BootFlag), 0x55AAu, LinuxKernelImageStatus.BadBootFlag)]
    [InlineData(nameof(BzImageBuilder.BootFlag), 0u, LinuxKernelImageStatus.BadBootFlag)]
    [InlineData(nameof(BzImageBuilder.Magic), 0x53726449u, LinuxKernelImageStatus.BadMagic)]
    [InlineData(nameof(BzImageBuilder.Magic), 0x48647253u, LinuxKernelImageStatus.BadMagic)]   // "SrdH"
    [InlineData(nameof(BzImageBuilder.Version), 0x0200u, LinuxKernelImageStatus.ProtocolTooOld)]
    [InlineData(nameof(BzImageBuilder.Version), 0x020Bu, LinuxKernelImageStatus.ProtocolTooOld)]
    [InlineData(nameof(BzImageBuilder.Version), 0x01FFu, LinuxKernelImageStatus.ProtocolTooOld)]
    [InlineData(nameof(BzImageBuilder.Version), 0x020Cu, LinuxKernelImageStatus.Success)]
    [InlineData(nameof(BzImageBuilder.Version), 0x0300u, LinuxKernelImageStatus.Success)]
    [InlineData(nameof(BzImageBuilder.JumpOpcode), 0xE9u, LinuxKernelImageStatus.BadHeaderLength)]
    [InlineData(nameof(BzImageBuilder.JumpOpcode), 0x00u, LinuxKernelImageStatus.BadHeaderLength)]
    [InlineData(nameof(BzImageBuilder.JumpOffset), 0x61u, LinuxKernelImageStatus.BadHeaderLength)]   // ends inside init_size
    [InlineData(nameof(BzImageBuilder.JumpOffset), 0x00u, LinuxKernelImageStatus.BadHeaderLength)]
    [InlineData(nameof(BzImageBuilder.JumpOffset), 0x80u, LinuxKernelImageStatus.BadHeaderLength)]   // backwards
    [InlineData(nameof(BzImageBuilder.JumpOffset), 0xFEu, LinuxKernelImageStatus.BadHeaderLength)]
    [InlineData(nameof(BzImageBuilder.JumpOffset), 0x62u, LinuxKernelImageStatus.Success)]           // ends right after init_size
    [InlineData(nameof(BzImageBuilder.JumpOffset), 0x7Fu, LinuxKernelImageStatus.Success)]
    [InlineData(nameof(BzImageBuilder.LoadFlags), 0x00u, LinuxKernelImageStatus.NotLoadedHigh)]
    [InlineData(nameof(BzImageBuilder.LoadFlags), 0xFEu, LinuxKernelImageStatus.NotLoadedHigh)]
    [InlineData(nameof(BzImageBuilder.LoadFlags), 0xFFu, LinuxKernelImageStatus.Success)]
    [InlineData(nameof(BzImageBuilder.XLoadFlags), 0x00u, LinuxKernelImageStatus.No64BitEntry)]
    [InlineData(nameof(BzImageBuilder.XLoadFlags), 0xFFFEu, LinuxKernelImageStatus.No64BitEntry)]
    [InlineData(nameof(BzImageBuilder.XLoadFlags), 0x01u, LinuxKernelImageStatus.Success)]
    [InlineData(nameof(BzImageBuilder.RelocatableKernel), 0u, LinuxKernelImageStatus.NotRelocatable)]
    [InlineData(nameof(BzImageBuilder.RelocatableKernel), 0xFFu, LinuxKernelImageStatus.Success)]
    [InlineData(nameof(BzImageBuilder.KernelAlignment), 0u, LinuxKernelImageStatus.BadAlignment)]
    [InlineData(nameof(BzImageBuilder.KernelAlignment), 0x800u, LinuxKernelImageStatus.BadAlignment)]      // below 4 KiB
    [InlineData(nameof(BzImageBuilder.KernelAlignment), 0x30_0000u, LinuxKernelImageStatus.BadAlignment)]  // not a power of two
    [InlineData(nameof(BzImageBuilder.KernelAlignment), 0x10_0000u, LinuxKernelImageStatus.BadAlignment)]  // below min_alignment
    [InlineData(nameof(BzImageBuilder.KernelAlignment), 0x8000_0000u, LinuxKernelImageStatus.Success)]
    [InlineData(nameof(BzImageBuilder.MinAlignment), 22u, LinuxKernelImageStatus.BadAlignment)]
    [InlineData(nameof(BzImageBuilder.MinAlignment), 32u, LinuxKernelImageStatus.BadAlignment)]
    [InlineData(nameof(BzImageBuilder.MinAlignment), 255u, LinuxKernelImageStatus.BadAlignment)]
    [InlineData(nameof(BzImageBuilder.MinAlignment), 0u, LinuxKernelImageStatus.Success)]
    [InlineData(nameof(BzImageBuilder.MinAlignment), 12u, LinuxKernelImageStatus.Success)]
    [InlineData(nameof(BzImageBuilder.SysSize), 0u, LinuxKernelImageStatus.BadSystemSize)]
    [InlineData(nameof(BzImageBuilder.SysSize), 0x301u, LinuxKernelImageStatus.BadSystemSize)]             // one paragraph past the end
    [InlineData(nameof(BzImageBuilder.SysSize), 0xFFFF_FFFFu, LinuxKernelImageStatus.BadSystemSize)]
    [InlineData(nameof(BzImageBuilder.SysSize), 0x300u, LinuxKernelImageStatus.Success)]                   // exactly to the end
    [InlineData(nameof(BzImageBuilder.SysSize), 1u, LinuxKernelImageStatus.Success)]
    [InlineData(nameof(BzImageBuilder.InitSize), 0x2FFFu, LinuxKernelImageStatus.InitSizeTooSmall)]
    [InlineData(nameof(BzImageBuilder.InitSize), 0u, LinuxKernelImageStatus.InitSizeTooSmall)]
    [InlineData(nameof(BzImageBuilder.InitSize), 0x3000u, LinuxKernelImageStatus.Success)]
    [InlineData(nameof(BzImageBuilder.InitSize), 0xFFFF_FFFFu, LinuxKernelImageStatus.Success)]
    public void ChecksEachHeaderField(string field, uint value, LinuxKernelImageStatus expected)
    {
        var builder = new BzImageBuilder();
        switch (field)
        {
            case nameof(BzImageBuilder.BootFlag): builder.BootFlag = (ushort)value; break;
            case nameof(BzImageBuilder.Magic): builder.Magic = value; break;
            case nameof(BzImageBuilder.Version): builder.Version = (ushort)value; break;
            case nameof(BzImageBuilder.JumpOpcode): builder.JumpOpcode = (byte)value; break;
            case nameof(BzImageBuilder.JumpOffset): builder.JumpOffset = (byte)value; break;
            case nameof(BzImageBuilder.LoadFlags): builder.LoadFlags = (byte)value; break;
            case nameof(BzImageBuilder.XLoadFlags): builder.XLoadFlags = (ushort)value; break;
            case nameof(BzImageBuilder.RelocatableKernel): builder.RelocatableKernel = (byte)value; break;
            case nameof(BzImageBuilder.KernelAlignment): builder.KernelAlignment = value; break;
            case nameof(BzImageBuilder.MinAlignment): builder.MinAlignment = (byte)value; break;
            case nameof(BzImageBuilder.SysSize): builder.SysSize = value; break;
            case nameof(BzImageBuilder.InitSize): builder.InitSize = value; break;
            default: throw new ArgumentException(field);
        }
        Assert.Equal(expected, Parse(builder));
    }

    [Fact]
    public void ARefusedImageLeavesTheLayoutEmpty()
    {
        var layout = new LinuxKernelLayout(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        Assert.Equal(LinuxKernelImageStatus.InitSizeTooSmall, LinuxKernelImage.Parse(new BzImageBuilder { InitSize = 1 }.Build(), out layout));
        Assert.Equal(default, layout);
    }

    // A Debian kernel: a relocatable 64-bit bzImage of protocol 2.15, read back as an
    // independent reading of the same header fields says.
    [FactWhenLinuxKernelExists]
    public void ParsesARealDistributionKernel()
    {
        byte[] file = File.ReadAllBytes(FactWhenLinuxKernelExistsAttribute.Find()!);
        Assert.Equal(LinuxKernelImageStatus.Success, LinuxKernelImage.Parse(file, out LinuxKernelLayout layout));
        Assert.True(layout.ProtocolVersion >= 0x020F, $"protocol {layout.ProtocolVersion:X4}");
        Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(0x206)), layout.ProtocolVersion);
        Assert.NotEqual(0, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(0x236)) & 1);   // XLF_KERNEL_64
        Assert.NotEqual(0, file[0x234]);                                                        // relocatable_kernel
        int setupSects = file[0x1F1] == 0 ? 4 : file[0x1F1];
        Assert.Equal((setupSects + 1) * 512, layout.ProtectedModeOffset);
        Assert.Equal(file.Length - layout.ProtectedModeOffset, layout.ProtectedModeLength);
        Assert.Equal(0x202 + file[0x201], layout.SetupHeaderEnd);
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(0x230)), layout.KernelAlignment);
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(0x260)), layout.InitSize);
        Assert.Equal(BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(0x258)), layout.PreferredAddress);
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(0x238)), layout.CommandLineSize);
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(0x22C)), layout.InitrdAddressMax);
        // The payload (the compressed kernel) lies inside the protected-mode code.
        uint payloadOffset = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(0x248));
        uint payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(0x24C));
        Assert.InRange((long)payloadOffset + payloadLength, 1, layout.ProtectedModeLength);

        // A zero page for it: 64 MiB of RAM at 16 MiB, kernel at pref_address.
        E820Entry[] map = [new(0, 0x9_F000, E820Entry.Ram), new(0x10_0000, 0x1000_0000, E820Entry.Ram)];
        var config = new LinuxBootConfig(layout.PreferredAddress, 0x2_0000, 14, 0, 0, 0);
        byte[] zeroPage = new byte[4096];
        Assert.Equal(LinuxBootParamsStatus.Success, LinuxBootParams.Build(file, config, map, zeroPage));
        Assert.True(file.AsSpan(0x1F1, 0x210 - 0x1F1).SequenceEqual(zeroPage.AsSpan(0x1F1, 0x210 - 0x1F1)));
        Assert.True(file.AsSpan(0x22C, layout.SetupHeaderEnd - 0x22C).SequenceEqual(zeroPage.AsSpan(0x22C, layout.SetupHeaderEnd - 0x22C)));
        Assert.Equal(0xFF, zeroPage[0x210]);
        Assert.Equal(0x53726448u, BinaryPrimitives.ReadUInt32LittleEndian(zeroPage.AsSpan(0x202)));
    }

    // Random bytes and random damage to valid images never throw; whatever is accepted keeps
    // every promise LinuxKernelLayout states.
    [Fact]
    public void RandomInputNeverThrowsAndAcceptedImagesKeepTheirPromises()
    {
        var random = new Random(5);
        byte[] valid = new BzImageBuilder().Build();
        var statuses = new HashSet<LinuxKernelImageStatus>();
        for (int round = 0; round < 30_000; round++)
        {
            byte[] input;
            if (round % 4 == 0)
            {
                input = new byte[random.Next(0, 4000)];
                random.NextBytes(input);
            }
            else
            {
                input = (byte[])valid.Clone();
                for (int flips = random.Next(1, 4); flips > 0; flips--)
                {
                    int at = random.Next(4) == 0 ? random.Next(input.Length) : 0x1F1 + random.Next(0x7B);
                    input[at] = random.Next(3) == 0 ? (byte)(input[at] ^ (1 << random.Next(8))) : (byte)random.Next(256);
                }
                if (random.Next(8) == 0)
                    input = input.AsSpan(0, random.Next(input.Length)).ToArray();
            }
            LinuxKernelImageStatus status = LinuxKernelImage.Parse(input, out LinuxKernelLayout layout);
            statuses.Add(status);
            if (status != LinuxKernelImageStatus.Success)
            {
                Assert.Equal(default, layout);
                continue;
            }
            Assert.InRange(layout.SetupHeaderEnd, 0x264, layout.ProtectedModeOffset);
            Assert.True(layout.ProtectedModeLength > 0);
            Assert.Equal(input.Length, layout.ProtectedModeOffset + layout.ProtectedModeLength);
            Assert.True(layout.KernelAlignment >= 0x1000 && (layout.KernelAlignment & (layout.KernelAlignment - 1)) == 0);
            Assert.True(layout.InitSize >= (uint)layout.ProtectedModeLength);
            Assert.True(layout.ProtocolVersion >= 0x020C);
        }
        Assert.Contains(LinuxKernelImageStatus.Success, statuses);
        Assert.True(statuses.Count >= 10, string.Join(", ", statuses));
    }
}
