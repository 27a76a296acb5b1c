namespace Redoubt.Kernel.Virtualization;

// Why MmioInstruction.Decode refused the bytes at RIP. The legacy prefixes are judged first
// (LockPrefix, then RepeatPrefix); after that the first problem met, byte by byte, is reported.
// Anything but Success leaves the access unemulated: the caller injects a fault or retries.
public enum MmioDecodeStatus : byte
{
    Success,
    // F0 (LOCK) among the prefixes: #UD on MOV and MOVZX, and never needed on XCHG, which locks
    // a memory operand by itself.
    LockPrefix,
    // F2 or F3 among the prefixes: ignored on these opcodes, or XACQUIRE/XRELEASE hints on XCHG
    // and stores; no compiler emits them for a plain access.
    RepeatPrefix,
    // The bytes end before the instruction does (the fetch stopped at an unmapped page, or the
    // span was short): a prefix, REX, opcode, ModRM or SIB byte is missing within the first 15,
    // or the instruction would fit in 15 bytes but more were needed than given.
    Truncated,
    // The instruction needs more than 15 bytes (#GP on the CPU), however many were given.
    TooLong,
    // In 64-bit mode, a REX followed by a legacy prefix or another REX. The CPU ignores such a
    // REX; no compiler emits one, so it is refused rather than modelled.
    MisplacedRex,
    // Not one of the accepted opcodes, or C6/C7 with ModRM.reg other than 0.
    Unsupported,
    // ModRM.mod == 3: the operand is a register, so this instruction cannot have touched memory.
    RegisterOperand,
}
