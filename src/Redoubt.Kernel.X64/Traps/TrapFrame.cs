using System.Runtime.InteropServices;

namespace Redoubt.Kernel.X64.Traps;

// What Boot/traps.asm pushes (lowest address first): general registers, vector, error code,
// then the CPU's interrupt frame.
[StructLayout(LayoutKind.Sequential)]
internal struct TrapFrame
{
    public ulong R15, R14, R13, R12, R11, R10, R9, R8;
    public ulong Rbp, Rdi, Rsi, Rdx, Rcx, Rbx, Rax;
    public ulong Vector, ErrorCode;
    public ulong Rip, Cs, Rflags, Rsp, Ss;
}
