using System;

namespace Redoubt.Kernel.Virtualization;

// The length of a MOVS (A4 byte, A5 word/dword/qword), with or without REP, the string copy a
// guest's copy routines use on memory it may not touch (Intel SDM vol. 2 MOVS; AMD APM vol. 3).
// Accepted: legacy prefixes 66, 67, F2, F3 and the segment overrides (any order, repeats
// allowed), then in 64-bit mode one optional REX right before the opcode, then A4 or A5; at most
// 15 bytes. LOCK (F0) makes MOVS #UD and is refused. 0 means "not a MOVS".
public static class StringMoveInstruction
{
    public static int Length(ReadOnlySpan<byte> code, bool longMode)
    {
        int at = 0;
        while (at < code.Length && at < InstructionLength.MaxLength && IsPrefix(code[at]))
            at++;
        if (longMode && at < code.Length && (code[at] & 0xF0) == 0x40)
            at++;
        if (at >= code.Length || at >= InstructionLength.MaxLength)
            return 0;
        return code[at] is 0xA4 or 0xA5 ? at + 1 : 0;
    }

    private static bool IsPrefix(byte b) => b is 0x66 or 0x67 or 0xF2 or 0xF3 or 0x2E or 0x36 or 0x3E or 0x26 or 0x64 or 0x65;
}
