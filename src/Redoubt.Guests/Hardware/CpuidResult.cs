namespace Redoubt.Guests.Hardware;

// The four registers CPUID returns, in the order Boot/instructions.asm stores them.
internal struct CpuidResult
{
    public uint Eax;
    public uint Ebx;
    public uint Ecx;
    public uint Edx;
}
