namespace Redoubt.Kernel.X64.SelfTest;

// The hand-assembled guests SvmSmoke can run.
internal enum SvmTestGuest
{
    // Port writes, CPUID through the policy, SSE kept across exits, HLT.
    Smoke,
    // Reads guest-physical memory it does not have: a nested page fault stops the VM.
    OutsideMemory,
    // Faults with an empty IDT until the CPU shuts down: the VM dies.
    TripleFault,
}
