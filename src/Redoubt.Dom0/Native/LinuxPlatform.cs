using System.Runtime.Intrinsics.X86;
using Redoubt.Dom0.Control;

namespace Redoubt.Dom0.Native;

// The real platform: CPUID from .NET's intrinsic (CPUID works in user space) and the driver.
internal sealed class LinuxPlatform : IDom0Platform
{
    public CpuidRegisters Cpuid(uint leaf, uint subleaf)
    {
        (int eax, int ebx, int ecx, int edx) = X86Base.CpuId((int)leaf, (int)subleaf);
        return new CpuidRegisters((uint)eax, (uint)ebx, (uint)ecx, (uint)edx);
    }

    public bool TryOpenDevice(out IRedoubtDevice? device, out string? error)
    {
        bool ok = RedoubtDevice.TryOpen(out RedoubtDevice? opened, out error);
        device = opened;
        return ok;
    }
}
