namespace Redoubt.Kernel.Virtualization;

// What Dom0's RDMSR or WRMSR of one MSR gets (Dom0MsrPolicy; docs/msr-policy.md, "Dom0").
public enum Dom0MsrAccess : byte
{
    // Intercepted: #GP(0) in Dom0 and a log line. Every MSR the table does not name.
    Refuse,
    // Not intercepted: Dom0 reaches the MSR itself (its VMCB's copy for the MSRs VMLOAD/VMSAVE
    // switch, else this CPU's register).
    PassThrough,
    // Intercepted: Redoubt carries out the MSR's own rule (MsrPolicy.Decide: EFER, PAT,
    // SPEC_CTRL, PRED_CMD; IA32_APIC_BASE through IsAllowedApicBase).
    Emulate,
    // Intercepted write: carried out on this CPU's register only when it changes no bit outside
    // the entry's WritableBits (IsAllowedCheckedWrite); a write of the current value changes
    // nothing and is accepted.
    Checked,
}
