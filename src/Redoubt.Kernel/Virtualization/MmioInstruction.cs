using System;

namespace Redoubt.Kernel.Virtualization;

// The memory access of an instruction that faulted on emulated MMIO (Dom0's xAPIC page is left
// out of its nested page table). The nested page fault gives the guest-physical address in
// EXITINFO2, so only the direction, the size, the register or immediate and the length are
// decoded here; without NRIPS and decode assists (QEMU has neither) the kernel reads them from
// the bytes it fetched at RIP: up to 15, fewer where the page ends. They are untrusted: another
// vCPU may have rewritten them since the exit.
//
// The accepted form (Intel SDM vol. 2 2.1-2.2 and 2.2.1, AMD APM vol. 3 1.2-1.4) is: legacy
// prefixes (66 67 2E 36 3E 26 64 65, any order, repeats allowed; segment overrides are ignored
// because the address is already known), then in 64-bit mode (longMode: EFER.LMA and CS.L) one
// optional REX (40-4F) right before the opcode, then one of the opcodes compilers emit for a
// plain load or store:
//   88 /r MOV m8, r8        89 /r MOV m, r         8A /r MOV r8, m8       8B /r MOV r, m
//   C6 /0 ib MOV m8, imm8   C7 /0 iw/id MOV m, imm (imm32 sign-extended for a 64-bit store)
//   86 /r XCHG m8, r8       87 /r XCHG m, r
//   0F B6 /r MOVZX r, m8    0F B7 /r MOVZX r, m16
//   A0-A3 MOV AL/rAX <-> moffs (no ModRM; the offset is as wide as the address size)
// then ModRM, SIB and displacement with a memory operand (mod != 3), then the immediate; at
// most 15 bytes in all. Linux reaches the xAPIC through native_apic_mem_read/write, which
// compile to 8B and 89 (87 on parts with the 11AP erratum) with any addressing form, and on
// 32-bit kernels to A1 and A3. The operand size is 1 for the byte forms; else 8 with REX.W,
// else 4 in 64-bit mode and in 32-bit code segments (defaultOperandSize32: CS.D) and 2 in
// 16-bit ones, 66 switching between 4 and 2. The address size, which only changes how many
// bytes follow ModRM, is 8 in 64-bit mode (4 with 67) and 4 or 2 by CS.D elsewhere (67
// switching); 16-bit addressing has no SIB. defaultOperandSize32 is ignored in 64-bit mode,
// where CS.D must be 0. REX.R extends ModRM.reg; REX.X and REX.B only extend address
// registers. A byte register operand 4-7 without any REX is AH CH DH BH (MmioAccess.HighByte).
//
// Stricter than the CPU, on purpose: LOCK (F0, #UD on MOV, and superfluous on XCHG), F2 and F3
// (ignored, or XACQUIRE/XRELEASE hints), a REX not right before the opcode and two REX are
// refused. Decode allocates nothing and throws nothing; every refusal is an MmioDecodeStatus.
public static class MmioInstruction
{
    public const int MaxLength = 15;

    private const byte OperandSize = 0x66, AddressSize = 0x67, Lock = 0xF0, RepeatNotEqual = 0xF2, Repeat = 0xF3;
    private const int RexW = 0x08, RexR = 0x04;

    public static MmioDecodeStatus Decode(ReadOnlySpan<byte> code, bool longMode, bool defaultOperandSize32, out MmioAccess access)
    {
        access = default;
        int position = 0;
        bool operandSizePrefix = false, addressSizePrefix = false, locked = false, repeated = false;
        while (Has(code, position) && IsLegacyPrefix(code[position]))
        {
            byte prefix = code[position++];
            operandSizePrefix |= prefix == OperandSize;
            addressSizePrefix |= prefix == AddressSize;
            locked |= prefix == Lock;
            repeated |= prefix == Repeat || prefix == RepeatNotEqual;
        }
        if (locked)
            return MmioDecodeStatus.LockPrefix;
        if (repeated)
            return MmioDecodeStatus.RepeatPrefix;

        int rex = 0;
        bool hasRex = false;
        if (!Has(code, position))
            return Missing(position);
        if (longMode && IsRex(code[position]))
        {
            rex = code[position++];
            hasRex = true;
            if (!Has(code, position))
                return Missing(position);
            if (IsLegacyPrefix(code[position]) || IsRex(code[position]))
                return MmioDecodeStatus.MisplacedRex;
        }

        // The opcode: its kind, whether the memory operand is a byte (or for MOVZX: a byte
        // rather than a word), and whether an offset stands in place of ModRM.
        MmioAccessKind kind;
        bool zeroExtend = false, offset = false;
        byte opcode = code[position++];
        switch (opcode)
        {
            case 0x88: case 0x89:
                kind = MmioAccessKind.Write;
                break;
            case 0x8A: case 0x8B:
                kind = MmioAccessKind.Read;
                break;
            case 0xC6: case 0xC7:
                kind = MmioAccessKind.WriteImmediate;
                break;
            case 0x86: case 0x87:
                kind = MmioAccessKind.Exchange;
                break;
            case 0xA0: case 0xA1:
                kind = MmioAccessKind.Read;
                offset = true;
                break;
            case 0xA2: case 0xA3:
                kind = MmioAccessKind.Write;
                offset = true;
                break;
            case 0x0F:
                if (!Has(code, position))
                    return Missing(position);
                opcode = code[position++];
                if (opcode != 0xB6 && opcode != 0xB7)
                    return MmioDecodeStatus.Unsupported;
                kind = MmioAccessKind.Read;
                zeroExtend = true;
                break;
            default:
                return MmioDecodeStatus.Unsupported;
        }
        // In every accepted opcode bit 0 clear means the byte form (B6 against B7 for MOVZX).
        bool byteOperand = (opcode & 1) == 0;

        int operandSize = (rex & RexW) != 0 ? 8 : (longMode || defaultOperandSize32) != operandSizePrefix ? 4 : 2;
        int addressSize = longMode ? (addressSizePrefix ? 4 : 8) : defaultOperandSize32 != addressSizePrefix ? 4 : 2;
        int size = zeroExtend ? (byteOperand ? 1 : 2) : byteOperand ? 1 : operandSize;

        if (offset)
        {
            int end = position + addressSize;
            MmioDecodeStatus fits = Fits(code, end);
            if (fits == MmioDecodeStatus.Success)
                access = new MmioAccess(kind, size, 0, size, false, false, 0, end);
            return fits;
        }

        if (!Has(code, position))
            return Missing(position);
        byte modRm = code[position++];
        int mod = modRm >> 6, reg = (modRm >> 3) & 7, rm = modRm & 7;
        if (kind == MmioAccessKind.WriteImmediate && reg != 0)
            return MmioDecodeStatus.Unsupported;
        if (mod == 3)
            return MmioDecodeStatus.RegisterOperand;

        if (addressSize == 2)
        {
            // mod 00 rm 110 is [disp16]; no SIB.
            position += mod == 1 ? 1 : mod == 2 || rm == 6 ? 2 : 0;
        }
        else
        {
            // rm 100 brings a SIB; mod 00 with rm 101 (RIP-relative in 64-bit mode) or with SIB
            // base 101 is [disp32] (plus the index). REX.B changes neither case.
            if (rm == 4)
            {
                if (!Has(code, position))
                    return Missing(position);
                if (mod == 0 && (code[position] & 7) == 5)
                    position += 4;
                position++;
            }
            position += mod == 1 ? 1 : mod == 2 || (mod == 0 && rm == 5) ? 4 : 0;
        }

        if (kind == MmioAccessKind.WriteImmediate)
        {
            int end = position + (byteOperand ? 1 : operandSize == 2 ? 2 : 4);
            MmioDecodeStatus fits = Fits(code, end);
            if (fits != MmioDecodeStatus.Success)
                return fits;
            ulong immediate = byteOperand ? code[position]
                : operandSize == 2 ? LittleEndian.ReadUInt16(code, position)
                : operandSize == 8 ? (ulong)(long)(int)LittleEndian.ReadUInt32(code, position)
                : LittleEndian.ReadUInt32(code, position);
            access = new MmioAccess(kind, size, 0, 0, false, false, immediate, end);
            return MmioDecodeStatus.Success;
        }

        MmioDecodeStatus complete = Fits(code, position);
        if (complete != MmioDecodeStatus.Success)
            return complete;
        int register = reg | (rex & RexR) << 1;
        bool highByte = byteOperand && !zeroExtend && !hasRex && reg >= 4;
        if (highByte)
            register -= 4;
        access = new MmioAccess(kind, size, register, zeroExtend ? operandSize : size, highByte, zeroExtend, 0, position);
        return MmioDecodeStatus.Success;
    }

    // Whether byte `index` is both present and within the 15-byte limit.
    private static bool Has(ReadOnlySpan<byte> code, int index) => index < code.Length && index < MaxLength;

    // The status when byte `index` is needed but Has said no.
    private static MmioDecodeStatus Missing(int index) =>
        index >= MaxLength ? MmioDecodeStatus.TooLong : MmioDecodeStatus.Truncated;

    // Whether an instruction of `length` bytes fits the limit and the bytes given.
    private static MmioDecodeStatus Fits(ReadOnlySpan<byte> code, int length) =>
        length > MaxLength ? MmioDecodeStatus.TooLong
        : length > code.Length ? MmioDecodeStatus.Truncated
        : MmioDecodeStatus.Success;

    private static bool IsLegacyPrefix(byte b) =>
        b == 0x66 || b == 0x67 || b == 0xF2 || b == 0xF3 || b == 0xF0
        || b == 0x2E || b == 0x36 || b == 0x3E || b == 0x26 || b == 0x64 || b == 0x65;

    private static bool IsRex(byte b) => (b & 0xF0) == 0x40;
}
