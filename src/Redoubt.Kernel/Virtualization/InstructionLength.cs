using System;

namespace Redoubt.Kernel.Virtualization;

// The length of the instruction an exit stopped at, computed from the guest's code bytes (the
// CPU reports it only with NRIP save, which QEMU lacks). The bytes are the guest's: legacy
// prefixes (66 67 F2 F3 F0 2E 36 3E 26 64 65), in 64-bit mode a REX prefix right before the
// opcode, then the opcode expected for the exit. Returns 0 when the bytes are not that
// instruction (the guest changed its code under the exit) or exceed 15 bytes.
public static class InstructionLength
{
    private const int MaxLength = 15;

    public static int Of(ReadOnlySpan<byte> code, ExitInstruction expected, bool longMode)
    {
        int position = 0;
        while (position < code.Length && position < MaxLength && IsLegacyPrefix(code[position]))
            position++;
        if (longMode && position < code.Length && (code[position] & 0xF0) == 0x40)
            position++;
        ReadOnlySpan<byte> opcode = Opcode(expected);
        if (position + opcode.Length > MaxLength || position + opcode.Length > code.Length)
            return 0;
        for (int i = 0; i < opcode.Length; i++)
        {
            if (code[position + i] != opcode[i])
                return 0;
        }
        return position + opcode.Length;
    }

    private static bool IsLegacyPrefix(byte value) => value is 0x66 or 0x67 or 0xF2 or 0xF3 or 0xF0 or 0x2E or 0x36 or 0x3E or 0x26 or 0x64 or 0x65;

    private static ReadOnlySpan<byte> Opcode(ExitInstruction instruction) => instruction switch
    {
        ExitInstruction.Cpuid => [0x0F, 0xA2],
        ExitInstruction.Rdmsr => [0x0F, 0x32],
        ExitInstruction.Wrmsr => [0x0F, 0x30],
        ExitInstruction.Vmmcall => [0x0F, 0x01, 0xD9],
        ExitInstruction.Xsetbv => [0x0F, 0x01, 0xD1],
        _ => [0xF4],
    };
}
