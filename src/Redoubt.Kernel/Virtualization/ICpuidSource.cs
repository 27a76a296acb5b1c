namespace Redoubt.Kernel.Virtualization;

// The host's CPUID (subleaf 0), for CpuidTable.Build.
public interface ICpuidSource
{
    CpuidResult Query(uint leaf);
}
