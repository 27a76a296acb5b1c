namespace Redoubt.Kernel.Virtualization;

// The MSRs the guest MSR policy names (AMD APM vol. 2 appendix A, Intel SDM vol. 4).
public static class MsrNumber
{
    public const uint Tsc = 0x10;
    public const uint ApicBase = 0x1B;
    public const uint SpecCtrl = 0x48, PredCmd = 0x49;
    public const uint PatchLevel = 0x8B;           // AMD PATCH_LEVEL, Intel IA32_BIOS_SIGN_ID
    public const uint MtrrCapabilities = 0xFE;
    public const uint SysenterCs = 0x174, SysenterEsp = 0x175, SysenterEip = 0x176;
    public const uint MachineCheckCapabilities = 0x179, MachineCheckStatus = 0x17A, MachineCheckControl = 0x17B;
    public const uint MiscEnable = 0x1A0;
    public const uint Pat = 0x277;
    public const uint MtrrDefaultType = 0x2FF;
    public const uint Efer = 0xC000_0080;
    public const uint Star = 0xC000_0081, Lstar = 0xC000_0082, Cstar = 0xC000_0083, Sfmask = 0xC000_0084;
    public const uint FsBase = 0xC000_0100, GsBase = 0xC000_0101, KernelGsBase = 0xC000_0102;
    public const uint TscAux = 0xC000_0103;
    public const uint NbCfg = 0xC001_001F, LsCfg = 0xC001_1020;
    public const uint VmCr = 0xC001_0114, VmHsavePa = 0xC001_0117;
}
