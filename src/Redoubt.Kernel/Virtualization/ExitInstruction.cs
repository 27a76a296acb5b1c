namespace Redoubt.Kernel.Virtualization;

// The instructions whose exits the kernel completes by moving RIP past them.
public enum ExitInstruction : byte
{
    Cpuid,      // 0F A2
    Rdmsr,      // 0F 32
    Wrmsr,      // 0F 30
    Vmmcall,    // 0F 01 D9
    Hlt,        // F4
    Xsetbv,     // 0F 01 D1
}
