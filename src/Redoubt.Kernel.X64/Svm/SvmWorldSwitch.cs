using System.Runtime.InteropServices;

namespace Redoubt.Kernel.X64.Svm;

// What Boot/svm.asm loads before VMRUN and stores after #VMEXIT, besides the VMCB: the general
// registers (RAX and RSP live in the VMCB; Rax here is unused padding that keeps the offsets
// those of the register numbers), the guest's XSAVE area and XCR0, and the host's XCR0; the
// guest's SPEC_CTRL and TSC_AUX with the host's values they replace while it runs (written only
// where they differ: nothing happens while both are equal, as on CPUs without these MSRs); and
// the guest's DR0-DR3, which the VMCB does not hold (it holds DR6 and DR7).
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
    // Offset 144.
    public ulong GuestSpecCtrl, HostSpecCtrl;
    // Offset 160.
    public ulong GuestTscAux, HostTscAux;
    // Offset 176: 0 at reset.
    public ulong Dr0, Dr1, Dr2, Dr3;
    // Offset 208: the XSAVE components switched with the guest (XSAVE/XRSTOR's EDX:EAX), a subset
    // of HostXcr0. A component left out stays in the registers across Redoubt: Dom0 leaves out
    // x87, which Redoubt never touches (SvmSupport.Dom0Components).
    public ulong SwitchedComponents;

    // No guest value left: every field zero.
    public readonly bool IsClear =>
        (Rax | Rbx | Rcx | Rdx | Rsi | Rdi | Rbp | R8 | R9 | R10 | R11 | R12 | R13 | R14 | R15 | GuestXsaveArea | GuestXcr0 | HostXcr0
            | GuestSpecCtrl | HostSpecCtrl | GuestTscAux | HostTscAux | Dr0 | Dr1 | Dr2 | Dr3 | SwitchedComponents) == 0;
}
