namespace Redoubt.Abi;

// The programs of the test-guest kit's image (testkit.elf). The launcher passes one in EDI at
// entry (32-bit protected mode, flat segments, paging off), the VM's RAM size in bytes in ESI
// and a program argument in EDX.
public enum TestProgram : uint
{
    // Prints a greeting, then the CPUID values the VM sees (SVM bit, hypervisor bit and leaf).
    Hello = 1,
    // Fills all of its RAM outside its own image with a secret pattern (argument: the pattern's seed).
    Secret = 2,
    // Scans all of its RAM for the secret pattern of the seed given as argument and reports the
    // matches, then reads the first address past its RAM (a nested page fault).
    Scan = 3,
    // Loads every SSE/AVX register with values from its argument, makes exits, checks them.
    Vector = 4,
    // Spins forever without an exit.
    Spin = 5,
    // Counts down from its argument on the console, then finishes.
    Count = 6,
    // VMMCALL with garbage in every register; checks the error status and that it goes on.
    GarbageHypercall = 7,
    // Makes as many exits as its argument (port writes and CPUID), then finishes.
    ManyExits = 8,
    // Reads the guest-physical address given as argument.
    Touch = 9,
    // Loads an empty IDT and raises an exception: a triple fault.
    TripleFault = 10,
    // Reads and writes MSRs the policy allows, then one it refuses.
    Msr = 11,
    // An Info hypercall from ring 0 (must work), then VMMCALL from ring 3 (must get #UD).
    UserHypercall = 12,
    // Checks DR0-DR3 and TSC_AUX start at 0, sets them from its argument, and checks they keep
    // those values across exits while other VMs run.
    Leftovers = 13,
}
