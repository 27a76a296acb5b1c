namespace Redoubt.Guests.Hardware;

// The general registers in hardware encoding order: the index into GeneralRegisters.
internal enum GeneralRegister
{
    Rax, Rcx, Rdx, Rbx, Rsp, Rbp, Rsi, Rdi,
    R8, R9, R10, R11, R12, R13, R14, R15,
}
