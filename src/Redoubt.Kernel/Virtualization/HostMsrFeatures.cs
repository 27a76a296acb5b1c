namespace Redoubt.Kernel.Virtualization;

// The MSRs of this CPU that the MSR policies and the world switch depend on, from its CPUID:
// - IBPB (PRED_CMD bit 0): AMD 8000_0008h EBX[12], Intel 7.EDX[26];
// - SPEC_CTRL and its bits: IBRS (bit 0; AMD EBX[14], Intel 7.EDX[26]), STIBP (bit 1; EBX[15],
//   7.EDX[27]), SSBD (bit 2; EBX[24], 7.EDX[31]); the MSR exists when any of them does;
// - TSC_AUX: RDTSCP (8000_0001h EDX[27]) or RDPID (7.ECX[22]);
// - the family (leaf 1 EAX: base family, plus the extended family when the base is 0Fh).
// The guests see the same bits (the CPUID policy passes these leaves), so a guest never meets an
// MSR it was told exists and the CPU lacks.
public readonly struct HostMsrFeatures
{
    public const ulong SpecCtrlIbrs = 1, SpecCtrlStibp = 2, SpecCtrlSsbd = 4, PredCmdIbpb = 1;

    public HostMsrFeatures(bool ibpb, ulong specCtrlBits, bool tscAux, uint family)
    {
        Ibpb = ibpb;
        SpecCtrlBits = specCtrlBits;
        TscAux = tscAux;
        Family = family;
    }

    public bool Ibpb { get; }
    public ulong SpecCtrlBits { get; }
    public bool TscAux { get; }
    public uint Family { get; }

    public bool SpecCtrl => SpecCtrlBits != 0;

    public static HostMsrFeatures Detect<TSource>(TSource cpuid) where TSource : struct, ICpuidSource
    {
        uint maxBasic = cpuid.Query(0).Eax, maxExtended = cpuid.Query(0x8000_0000).Eax;
        uint leaf1Eax = cpuid.Query(1).Eax;
        CpuidResult leaf7 = maxBasic >= 7 ? cpuid.Query(7) : default;
        uint ext1Edx = maxExtended >= 0x8000_0001 ? cpuid.Query(0x8000_0001).Edx : 0;
        uint ext8Ebx = maxExtended >= 0x8000_0008 ? cpuid.Query(0x8000_0008).Ebx : 0;
        bool intelIbrsIbpb = Bit(leaf7.Edx, 26);
        ulong bits = (intelIbrsIbpb || Bit(ext8Ebx, 14) ? SpecCtrlIbrs : 0)
            | (Bit(leaf7.Edx, 27) || Bit(ext8Ebx, 15) ? SpecCtrlStibp : 0)
            | (Bit(leaf7.Edx, 31) || Bit(ext8Ebx, 24) ? SpecCtrlSsbd : 0);
        uint family = (leaf1Eax >> 8) & 0xF;
        if (family == 0xF)
            family += (leaf1Eax >> 20) & 0xFF;
        return new HostMsrFeatures(intelIbrsIbpb || Bit(ext8Ebx, 12), bits, Bit(ext1Edx, 27) || Bit(leaf7.Ecx, 22), family);
    }

    // A SPEC_CTRL value a guest may hold: the MSR exists and only bits the CPU has are set.
    public bool IsValidSpecCtrl(ulong value) => SpecCtrl && (value & ~SpecCtrlBits) == 0;

    // A PRED_CMD write: IBPB exists and only its bit may be set (0 does nothing).
    public bool IsValidPredCmd(ulong value) => Ibpb && (value & ~PredCmdIbpb) == 0;

    // A TSC_AUX value: the MSR exists and bits 63:32 are clear (the CPU's #GP condition).
    public bool IsValidTscAux(ulong value) => TscAux && (value >> 32) == 0;

    private static bool Bit(uint register, int bit) => (register & (1u << bit)) != 0;
}
