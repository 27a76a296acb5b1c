using System.Runtime.InteropServices;

namespace Redoubt.Kernel.X64.Svm;

// What Boot/svm.asm loads before VMRUN and stores after #VMEXIT, besides the VMCB: the general
// registers (RAX and RSP live in the VMCB; Rax here is unused padding that keeps the offsets
// those of the register numbers), the guest's XSAVE area and XCR0, and the host's XCR0.
[StructLayout(LayoutKind.Sequential)]
internal struct SvmWorldSwitch
{
    public ulong Rax, Rbx, Rcx, Rdx, Rsi, Rdi, Rbp;
    public ulong R8, R9, R10, R11, R12, R13, R14, R15;
    // Physical address of the guest's 64-byte aligned XSAVE area (one frame).
    public ulong GuestXsaveArea;
    // XCR0 while the guest runs: 1 (x87 only) at reset, as on hardware.
    public ulong GuestXcr0;
    public ulong HostXcr0;

    // No guest value left: every field zero.
    public readonly bool IsClear =>
        (Rax | Rbx | Rcx | Rdx | Rsi | Rdi | Rbp | R8 | R9 | R10 | R11 | R12 | R13 | R14 | R15 | GuestXsaveArea | GuestXcr0 | HostXcr0) == 0;
}
