namespace Redoubt.Kernel.Virtualization;

// The instructions whose exits the kernel completes by moving RIP past them (InstructionLength
// measures how far).
public enum ExitInstruction : byte
{
    Cpuid,      // 0F A2
    Rdmsr,      // 0F 32
    Wrmsr,      // 0F 30
    Vmmcall,    // 0F 01 D9
    Hlt,        // F4
    Xsetbv,     // 0F 01 D1
    Pause,      // F3 90
    Rdtsc,      // 0F 31
    Rdtscp,     // 0F 01 F9
    Invd,       // 0F 08
    Wbinvd,     // 0F 09
}
