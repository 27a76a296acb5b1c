namespace Redoubt.Kernel.Virtualization;

public struct CpuidResult
{
    public uint Eax, Ebx, Ecx, Edx;

    public CpuidResult(uint eax, uint ebx, uint ecx, uint edx)
    {
        Eax = eax;
        Ebx = ebx;
        Ecx = ecx;
        Edx = edx;
    }
}
