namespace Redoubt.Kernel.Virtualization;

// What the kernel does with a guest's RDMSR or WRMSR (docs/msr-policy.md).
public enum MsrRule : byte
{
    // Refused: #GP is injected (every MSR the policy does not name, and SVM's own).
    InjectGp,
    // Not intercepted: the VMCB holds the guest's value and VMLOAD/VMSAVE switch it.
    Vmcb,
    // EFER, kept in the VMCB: reads hide SVME; writes may set only SCE, LME and NXE.
    Efer,
    // PAT, kept in the VMCB's guest PAT: writes must name valid memory types.
    Pat,
    // Read: the TSC.
    TimeStampCounter,
    // Read: the local APIC at its default base, enabled, boot CPU (FEE00900h).
    ApicBase,
    // Read: 0 (MTRRs, machine-check and microcode registers a guest may probe).
    ReadZero,
}
