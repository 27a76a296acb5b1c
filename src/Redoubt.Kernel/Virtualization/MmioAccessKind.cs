namespace Redoubt.Kernel.Virtualization;

// What an instruction that faulted on MMIO does with its memory operand (MmioInstruction.Decode).
public enum MmioAccessKind : byte
{
    // Memory to register: MOV r, m (8A 8B), MOVZX r, m (0F B6 0F B7), MOV AL/rAX, moffs (A0 A1).
    Read,
    // Register to memory: MOV m, r (88 89), MOV moffs, AL/rAX (A2 A3).
    Write,
    // MmioAccess.Immediate to memory: MOV m, imm (C6 /0, C7 /0).
    WriteImmediate,
    // XCHG m, r (86 87): the register's old value is written and the memory's old value read
    // into the register, as one locked access.
    Exchange,
}
