namespace Redoubt.Kernel.X64.Svm;

// Offsets in the virtual machine control block (AMD APM vol. 2, appendix B). The VMCB is one
// 4 KiB page: the control area, then the state-save area at 0x400.
internal static class Vmcb
{
    // Control area
    public const int InterceptMisc1 = 0x00C;
    public const int InterceptMisc2 = 0x010;
    public const int IopmBase = 0x040;
    public const int MsrpmBase = 0x048;
    public const int GuestAsid = 0x058;
    public const int VirtualInterruptControl = 0x060;
    public const ulong VirtualInterruptMasking = 1UL << 24;
    public const int TlbControl = 0x05C;
    public const int ExitCode = 0x070;
    public const int ExitInfo1 = 0x078;
    public const int ExitInfo2 = 0x080;
    public const int ExitInterruptInfo = 0x088;
    public const int NestedPagingEnable = 0x090;
    public const int EventInjection = 0x0A8;
    public const int NestedCr3 = 0x0B0;

    // State-save area: segments are { u16 selector, u16 attributes, u32 limit, u64 base }.
    public const int Es = 0x400, Cs = 0x410, Ss = 0x420, Ds = 0x430, Fs = 0x440, Gs = 0x450;
    public const int Gdtr = 0x460, Ldtr = 0x470, Idtr = 0x480, Tr = 0x490;
    public const int Cpl = 0x4CB;
    public const int Efer = 0x4D0, Cr4 = 0x548, Cr3 = 0x550, Cr0 = 0x558, Dr7 = 0x560, Dr6 = 0x568;
    public const int Rflags = 0x570, Rip = 0x578, Rsp = 0x5D8, Rax = 0x5F8, GuestPat = 0x668;

    // Intercept bits.
    public const uint InterceptIntr = 1u << 0, InterceptNmi = 1u << 1, InterceptSmi = 1u << 2, InterceptInit = 1u << 3, InterceptCpuid = 1u << 18, InterceptHlt = 1u << 24, InterceptIoio = 1u << 27;
    public const uint InterceptInvd = 1u << 22, InterceptInvlpga = 1u << 26, InterceptMsr = 1u << 28, InterceptShutdown = 1u << 31;
    public const uint InterceptVmrun = 1u << 0, InterceptVmmcall = 1u << 1, InterceptVmload = 1u << 2;
    public const uint InterceptVmsave = 1u << 3, InterceptStgi = 1u << 4, InterceptClgi = 1u << 5, InterceptSkinit = 1u << 6;
    public const uint InterceptXsetbv = 1u << 13;

    // EVENTINJ / EXITINTINFO: vector, type (3 = exception), error code valid, valid.
    public const ulong EventNmi = 2UL << 8, EventException = 3UL << 8, EventErrorCodeValid = 1UL << 11, EventValid = 1UL << 31;

    // Segment attribute bits (packed descriptor bits 8-15 and 20-23).
    public const ushort AttributeLong = 1 << 9;

    // Exit codes.
    public const ulong ExitInterrupt = 0x60, ExitNmi = 0x61, ExitSmi = 0x62, ExitInit = 0x63, ExitCpuid = 0x72, ExitInvd = 0x76, ExitHlt = 0x78, ExitIoio = 0x7B, ExitMsr = 0x7C, ExitShutdown = 0x7F;
    public const ulong ExitInvlpga = 0x7A, ExitVmrun = 0x80, ExitVmmcall = 0x81, ExitVmload = 0x82, ExitVmsave = 0x83;
    public const ulong ExitStgi = 0x84, ExitClgi = 0x85, ExitSkinit = 0x86, ExitXsetbv = 0x8D;
    public const ulong ExitNestedPageFault = 0x400, ExitInvalid = ulong.MaxValue;
}
