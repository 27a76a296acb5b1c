using System;
using System.Runtime.CompilerServices;

namespace Redoubt.Kernel.Virtualization;

// The length of the instruction an exit stopped at. SVM reports it in the VMCB's next-RIP
// field only with the NRIPS feature, which QEMU does not emulate, so the kernel decodes the
// bytes it fetched at RIP itself. They are untrusted: another vCPU may have rewritten them
// since the exit. The accepted form (Intel SDM vol. 2 2.1-2.2, AMD APM vol. 3 1.2) is: legacy
// prefixes (66 67 F2 F3 F0 2E 36 3E 26 64 65, any order, repeats allowed), then in 64-bit mode
// (longMode: EFER.LMA and CS.L) one optional REX (40-4F) right before the opcode, then the
// opcode; at most 15 bytes in all. Stricter than the CPU, on purpose: a REX that is not right
// before the opcode, or two REX, are refused, and so is LOCK (F0), which makes every one of
// these instructions raise #UD. PAUSE is F3 90: its F3 must be the last legacy prefix, and a
// REX with B set turns 90 into XCHG r8, rAX. A result of 0 means "not the expected
// instruction": the caller injects #UD or resumes the guest to execute it again.
public static class InstructionLength
{
    public const int MaxLength = 15;

    private const byte Lock = 0xF0, Repeat = 0xF3, RexB = 0x01;

    // The usual case is checked inline first: the opcode itself at the first byte, no prefix (no
    // opcode here starts with a prefix byte; PAUSE needs its F3 and takes the full path).
    public static int Of(ReadOnlySpan<byte> code, ExitInstruction expected, bool longMode)
    {
        int plain = OfUnprefixed(code, expected);
        return plain != 0 ? plain : OfPrefixed(code, expected, longMode);
    }

    // The length when the opcode stands at the first byte with no prefix, else 0 (then Of
    // decides). Small enough to inline on the exit path, where the mode is not needed.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int OfUnprefixed(ReadOnlySpan<byte> code, ExitInstruction expected) => expected switch
    {
        ExitInstruction.Cpuid => Plain(code, 0x0F, 0xA2),
        ExitInstruction.Rdmsr => Plain(code, 0x0F, 0x32),
        ExitInstruction.Wrmsr => Plain(code, 0x0F, 0x30),
        ExitInstruction.Hlt => code.Length >= 1 && code[0] == 0xF4 ? 1 : 0,
        _ => 0,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Plain(ReadOnlySpan<byte> code, byte first, byte second) =>
        code.Length >= 2 && code[0] == first && code[1] == second ? 2 : 0;

    private static int OfPrefixed(ReadOnlySpan<byte> code, ExitInstruction expected, bool longMode)
    {
        ReadOnlySpan<byte> opcode = Opcode(expected);
        if (opcode.IsEmpty)
            return 0;
        // Bytes past 15 can never belong to the instruction; this also caps prefixes at 14.
        if (code.Length > MaxLength)
            code = code.Slice(0, MaxLength);

        int position = 0;
        bool locked = false;
        while (position < code.Length && IsLegacyPrefix(code[position]))
        {
            locked |= code[position] == Lock;
            position++;
        }
        if (locked)
            return 0;
        if (expected == ExitInstruction.Pause && (position == 0 || code[position - 1] != Repeat))
            return 0;
        if (longMode && position < code.Length && IsRex(code[position]))
        {
            if (expected == ExitInstruction.Pause && (code[position] & RexB) != 0)
                return 0;
            position++;
        }

        if (code.Length - position < opcode.Length)
            return 0;
        for (int i = 0; i < opcode.Length; i++)
        {
            if (code[position + i] != opcode[i])
                return 0;
        }
        return position + opcode.Length;
    }

    // The opcode bytes after prefixes and REX (PAUSE's F3 is checked as its last prefix).
    private static ReadOnlySpan<byte> Opcode(ExitInstruction instruction)
    {
        switch (instruction)
        {
            case ExitInstruction.Cpuid: return new byte[] { 0x0F, 0xA2 };
            case ExitInstruction.Rdmsr: return new byte[] { 0x0F, 0x32 };
            case ExitInstruction.Wrmsr: return new byte[] { 0x0F, 0x30 };
            case ExitInstruction.Vmmcall: return new byte[] { 0x0F, 0x01, 0xD9 };
            case ExitInstruction.Hlt: return new byte[] { 0xF4 };
            case ExitInstruction.Xsetbv: return new byte[] { 0x0F, 0x01, 0xD1 };
            case ExitInstruction.Pause: return new byte[] { 0x90 };
            case ExitInstruction.Rdtsc: return new byte[] { 0x0F, 0x31 };
            case ExitInstruction.Rdtscp: return new byte[] { 0x0F, 0x01, 0xF9 };
            case ExitInstruction.Invd: return new byte[] { 0x0F, 0x08 };
            case ExitInstruction.Wbinvd: return new byte[] { 0x0F, 0x09 };
            default: return ReadOnlySpan<byte>.Empty;
        }
    }

    private static bool IsLegacyPrefix(byte b) =>
        b == 0x66 || b == 0x67 || b == 0xF2 || b == 0xF3 || b == 0xF0
        || b == 0x2E || b == 0x36 || b == 0x3E || b == 0x26 || b == 0x64 || b == 0x65;

    private static bool IsRex(byte b) => (b & 0xF0) == 0x40;
}
