using Redoubt.Kernel.Virtualization;

namespace Redoubt.Kernel.X64.Svm;

// This CPU's CPUID as an ICpuidSource.
// Safe: Cpuid writes the four words of the local it is given (CpuidResult's layout: EAX, EBX,
// ECX, EDX).
internal readonly unsafe struct HostCpuid : ICpuidSource
{
    public CpuidResult Query(uint leaf)
    {
        CpuidResult result;
        Cpu.Cpu.Cpuid(leaf, 0, (uint*)&result);
        return result;
    }
}
