namespace Redoubt.Kernel.Virtualization;

// One decoded MMIO access (MmioInstruction.Decode). The address is not here: the nested page
// fault's EXITINFO2 already holds the guest-physical address of the access.
//
// Register numbers are the general-purpose register file's, 0-15 (rAX rCX rDX rBX rSP rBP rSI
// rDI r8-r15), REX.R included. A register written with Size 4 (RegisterSize 4) is zero-extended
// to 64 bits in 64-bit mode; with 1 or 2 the other bits are kept, as the CPU does.
public readonly struct MmioAccess
{
    public MmioAccess(MmioAccessKind kind, int size, int register, int registerSize, bool highByte,
        bool zeroExtend, ulong immediate, int length)
    {
        Kind = kind;
        Size = (byte)size;
        Register = (byte)register;
        RegisterSize = (byte)registerSize;
        HighByte = highByte;
        ZeroExtend = zeroExtend;
        Immediate = immediate;
        Length = (byte)length;
    }

    public MmioAccessKind Kind { get; }

    // Bytes of memory accessed: 1, 2, 4 or 8.
    public byte Size { get; }

    // The register operand; 0 (rAX) for the moffs forms A0-A3; 0 and unused for WriteImmediate.
    public byte Register { get; }

    // Width of the register operand in bytes: Size, except for MOVZX (2, 4 or 8, from the
    // operand size); 0 for WriteImmediate.
    public byte RegisterSize { get; }

    // The register operand is AH, CH, DH or BH (a byte form without REX, ModRM.reg 4-7): bits
    // 15:8 of register Register (0-3), not bits 7:0.
    public bool HighByte { get; }

    // MOVZX: the Size bytes read are zero-extended to RegisterSize.
    public bool ZeroExtend { get; }

    // WriteImmediate: the value to store, already extended to Size bytes (imm32 sign-extended
    // for a 64-bit store); the emulator writes its low Size bytes. 0 for the other kinds.
    public ulong Immediate { get; }

    // Bytes of the whole instruction, prefixes included: RIP moves on by this much.
    public byte Length { get; }
}
