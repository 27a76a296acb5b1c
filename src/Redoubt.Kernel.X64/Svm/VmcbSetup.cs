using Redoubt.Abi;

namespace Redoubt.Kernel.X64.Svm;

// Fills a zeroed VMCB for a vCPU from its measured initial state (VcpuState). The mode follows
// CR0 and EFER: real mode (CR0.PE clear: 64 KiB segments at 0), flat 32-bit protected mode, or
// 64-bit long mode (EFER.LME and CR0.PG). Every exit Redoubt handles is intercepted; the ports
// and MSRs follow the permission maps SvmHost built.
// Safe: vmcb points at the vCPU's own VMCB frame, which the kernel maps writable.
internal static unsafe class VmcbSetup
{
    private const ulong Cr0ProtectionEnable = 1, Cr0Paging = 1UL << 31, Cr0ExtensionType = 1UL << 4;
    private const ulong EferLongModeEnable = 1UL << 8, EferLongModeActive = 1UL << 10, EferSvmEnable = 1UL << 12;

    public static void Initialize(ulong vmcb, in VcpuState state, ulong nestedRoot, uint asid, ulong iopm, ulong msrpm)
    {
        byte* v = (byte*)vmcb;
        new System.Span<byte>(v, 4096).Clear();
        *(uint*)(v + Vmcb.InterceptMisc1) = Vmcb.InterceptIntr | Vmcb.InterceptSmi | Vmcb.InterceptCpuid | Vmcb.InterceptHlt | Vmcb.InterceptInvd | Vmcb.InterceptInvlpga
            | Vmcb.InterceptIoio | Vmcb.InterceptMsr | Vmcb.InterceptShutdown;
        *(uint*)(v + Vmcb.InterceptMisc2) = Vmcb.InterceptVmrun | Vmcb.InterceptVmmcall | Vmcb.InterceptVmload | Vmcb.InterceptVmsave
            | Vmcb.InterceptStgi | Vmcb.InterceptClgi | Vmcb.InterceptSkinit | Vmcb.InterceptXsetbv;
        *(ulong*)(v + Vmcb.IopmBase) = iopm;
        *(ulong*)(v + Vmcb.MsrpmBase) = msrpm;
        *(uint*)(v + Vmcb.GuestAsid) = asid;
        *(v + Vmcb.TlbControl) = 1;
        *(ulong*)(v + Vmcb.NestedPagingEnable) = 1;
        // Physical interrupts exit the guest; the guest's IF masks only its virtual ones.
        *(ulong*)(v + Vmcb.VirtualInterruptControl) = Vmcb.VirtualInterruptMasking;
        *(ulong*)(v + Vmcb.NestedCr3) = nestedRoot;

        bool longMode = (state.Efer & EferLongModeEnable) != 0 && (state.Cr0 & Cr0Paging) != 0;
        bool protectedMode = (state.Cr0 & Cr0ProtectionEnable) != 0;
        // Attributes: type, S, P (0x9B code / 0x93 data), then D/B, G or L in bits 8-11.
        ushort code = longMode ? (ushort)(0x09B | Vmcb.AttributeLong | 0x800) : protectedMode ? (ushort)0xC9B : (ushort)0x9B;
        ushort data = protectedMode ? (ushort)0xC93 : (ushort)0x93;
        uint limit = protectedMode ? 0xFFFF_FFFF : 0xFFFF;
        ushort codeSelector = protectedMode ? (ushort)0x08 : (ushort)0, dataSelector = protectedMode ? (ushort)0x10 : (ushort)0;
        SetSegment(v + Vmcb.Cs, codeSelector, code, limit);
        SetSegment(v + Vmcb.Ds, dataSelector, data, limit);
        SetSegment(v + Vmcb.Es, dataSelector, data, limit);
        SetSegment(v + Vmcb.Ss, dataSelector, data, limit);
        SetSegment(v + Vmcb.Fs, dataSelector, data, limit);
        SetSegment(v + Vmcb.Gs, dataSelector, data, limit);
        SetSegment(v + Vmcb.Gdtr, 0, 0, 0xFFFF);
        SetSegment(v + Vmcb.Idtr, 0, 0, 0xFFFF);
        SetSegment(v + Vmcb.Ldtr, 0, 0x82, 0xFFFF);
        SetSegment(v + Vmcb.Tr, 0, 0x8B, 0xFFFF);

        *(ulong*)(v + Vmcb.Cr0) = state.Cr0 | Cr0ExtensionType;
        *(ulong*)(v + Vmcb.Cr3) = state.Cr3;
        *(ulong*)(v + Vmcb.Cr4) = state.Cr4;
        // SVME must be set in the guest's EFER; the guest reads EFER without it (MsrPolicy).
        *(ulong*)(v + Vmcb.Efer) = state.Efer | EferSvmEnable | (longMode ? EferLongModeActive : 0);
        *(ulong*)(v + Vmcb.Rflags) = state.Rflags;
        *(ulong*)(v + Vmcb.Rip) = state.Rip;
        *(ulong*)(v + Vmcb.Rsp) = state.Rsp;
        *(ulong*)(v + Vmcb.Rax) = state.Rax;
        *(ulong*)(v + Vmcb.Dr6) = 0xFFFF0FF0;
        *(ulong*)(v + Vmcb.Dr7) = 0x400;
        *(ulong*)(v + Vmcb.GuestPat) = 0x0007040600070406;
    }

    // The general registers the world switch loads, from the same state.
    public static void InitializeRegisters(ref SvmWorldSwitch registers, in VcpuState state)
    {
        registers.Rbx = state.Rbx;
        registers.Rcx = state.Rcx;
        registers.Rdx = state.Rdx;
        registers.Rsi = state.Rsi;
        registers.Rdi = state.Rdi;
        registers.Rbp = state.Rbp;
        registers.R8 = state.R8;
        registers.R9 = state.R9;
        registers.R10 = state.R10;
        registers.R11 = state.R11;
        registers.R12 = state.R12;
        registers.R13 = state.R13;
        registers.R14 = state.R14;
        registers.R15 = state.R15;
    }

    private static void SetSegment(byte* segment, ushort selector, ushort attributes, uint limit)
    {
        *(ushort*)segment = selector;
        *(ushort*)(segment + 2) = attributes;
        *(uint*)(segment + 4) = limit;
        *(ulong*)(segment + 8) = 0;
    }
}
