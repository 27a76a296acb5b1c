namespace Redoubt.Dom0.Control;

// What one CPUID instruction returns.
public readonly record struct CpuidRegisters(uint Eax, uint Ebx, uint Ecx, uint Edx);
