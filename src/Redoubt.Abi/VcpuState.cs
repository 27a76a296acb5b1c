using System.Runtime.InteropServices;

namespace Redoubt.Abi;

// A vCPU's initial architectural state (VcpuSetState), measured into the launch digest.
// Segments are flat; long mode is entered when Efer.LME and Cr0.PG are set.
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public struct VcpuState
{
    public const int Size = 176;

    public ulong Rax, Rbx, Rcx, Rdx, Rsi, Rdi, Rbp, Rsp;
    public ulong R8, R9, R10, R11, R12, R13, R14, R15;
    public ulong Rip;
    public ulong Rflags;
    public ulong Cr0, Cr3, Cr4, Efer;
}
