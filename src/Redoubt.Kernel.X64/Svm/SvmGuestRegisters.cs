using System.Runtime.InteropServices;

namespace Redoubt.Kernel.X64.Svm;

// The general registers Boot/svm.asm loads before VMRUN and stores after #VMEXIT. RAX and RSP
// live in the VMCB; Rax here is unused padding that keeps the offsets those of the register
// numbers.
[StructLayout(LayoutKind.Sequential)]
internal struct SvmGuestRegisters
{
    public ulong Rax, Rbx, Rcx, Rdx, Rsi, Rdi, Rbp;
    public ulong R8, R9, R10, R11, R12, R13, R14, R15;
}
