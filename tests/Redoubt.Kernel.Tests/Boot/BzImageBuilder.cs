using System;
using System.Buffers.Binary;

namespace Redoubt.Kernel.Tests.Boot;

// Writes a minimal bzImage field by field (offsets from the Linux boot protocol's setup header
// table), so a test can set any field to any value: by default a valid protocol 2.15 image with
// four setup sectors, a 64-bit entry, relocatable, 2 MiB aligned, and protected-mode code filled
// with a pattern derived from its offset.
internal sealed class BzImageBuilder
{
    public byte SetupSects = 4;
    public ushort BootFlag = 0xAA55;
    public byte JumpOpcode = 0xEB;
    public byte JumpOffset = 0x6A;              // header ends at 0x26C, as in protocol 2.15
    public uint Magic = 0x53726448;             // "HdrS"
    public ushort Version = 0x020F;
    public byte LoadFlags = 0x01;               // LOADED_HIGH
    public uint Code32Start = 0x10_0000;
    public uint InitrdAddrMax = 0x7FFF_FFFF;
    public uint KernelAlignment = 0x20_0000;
    public byte RelocatableKernel = 1;
    public byte MinAlignment = 21;
    public ushort XLoadFlags = 0x03;            // XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G
    public uint CmdlineSize = 0x7FF;
    public ulong PrefAddress = 0x100_0000;
    public uint InitSize = 0x10_0000;
    public int ProtectedModeLength = 0x3000;
    public uint? SysSize;                       // default: the protected-mode code less 0x100 bytes, in paragraphs

    public int SetupBytes => ((SetupSects == 0 ? 4 : SetupSects) + 1) * 512;

    public byte[] Build()
    {
        byte[] file = new byte[SetupBytes + ProtectedModeLength];
        Span<byte> span = file;
        for (int i = 0; i < 0x1F1; i++)
            file[i] = 0xCC;   // boot sector junk, never copied
        for (int i = SetupBytes; i < file.Length; i++)
            file[i] = (byte)(0x5A ^ i);
        file[0x1F1] = SetupSects;
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x1F2..], 1);                                        // root_flags
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x1F4..], SysSize ?? (uint)((ProtectedModeLength - 0x100) / 16));
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x1FA..], 0xFFFF);                                   // vid_mode
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x1FE..], BootFlag);
        file[0x200] = JumpOpcode;
        file[0x201] = JumpOffset;
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x202..], Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x206..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x20E..], 0x3C0);                                    // kernel_version
        file[0x211] = LoadFlags;
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x214..], Code32Start);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x22C..], InitrdAddrMax);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x230..], KernelAlignment);
        file[0x234] = RelocatableKernel;
        file[0x235] = MinAlignment;
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x236..], XLoadFlags);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x238..], CmdlineSize);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x248..], 0x2CC);                                    // payload_offset
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x24C..], 0x2000);                                   // payload_length
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x258..], PrefAddress);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x260..], InitSize);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x264..], 0x1190);                                   // handover_offset
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x268..], 0x2345);                                   // kernel_info_offset
        for (int i = 0x26C; i < 0x290 && i < SetupBytes; i++)
            file[i] = 0xEE;   // setup code after the header: must not be copied
        return file;
    }
}
