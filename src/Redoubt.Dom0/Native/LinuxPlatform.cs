using Redoubt.Abi;
using Redoubt.Dom0.Control;

namespace Redoubt.Dom0.Native;

// The real platform: CPUID and VMMCALL through CodePage's thunks, buffers from PhysicalPage.
internal sealed class LinuxPlatform : IDom0Platform
{
    private CodePage? _code;

    private CodePage Code => _code ??= CodePage.Create(MachineCode.Vmmcall);

    public CpuidRegisters Cpuid(uint leaf, uint subleaf) => Code.Cpuid(leaf, subleaf);

    public bool TryOpenBuffer(out IHypercallBuffer? buffer, out string? error)
    {
        bool ok = PhysicalPage.TryAllocate(out PhysicalPage? page, out error);
        buffer = page;
        return ok;
    }

    public HypercallResult Call(in HypercallRegisters registers) => Code.Call(registers);
}
