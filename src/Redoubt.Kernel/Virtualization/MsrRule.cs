namespace Redoubt.Kernel.Virtualization;

// What the kernel does with a guest's RDMSR or WRMSR (MsrPolicy.Decide; docs/msr-policy.md).
public enum MsrRule : byte
{
    // Inject #GP(0); the caller logs the MSR. Every MSR not listed below, both directions.
    InjectGp,
    // Not intercepted: the guest uses its VMCB's copy, which VMLOAD/VMSAVE switch per guest. An
    // exit for it means the permission map is wrong.
    Vmcb,
    // Read: GuestVisibleEfer(VMCB EFER). Write: IsValidEferWrite, then EferAfterWrite into the
    // VMCB, or #GP.
    Efer,
    // Read: the VMCB's G_PAT. Write: IsValidPat, then into G_PAT, or #GP.
    Pat,
    // Read: the TSC as the guest's RDTSC sees it (host TSC plus the VMCB's TSC offset).
    TimeStampCounter,
    // Read: ApicBaseValue for this vCPU.
    ApicBase,
    // Read: ConstantValue(msr).
    ReadConstant,
    // Write: accepted and dropped.
    IgnoreWrite,
    // The vCPU's own TSC_AUX (HostMsrFeatures.IsValidTscAux on writes), which the world switch
    // loads while it runs; #GP where the CPU has no TSC_AUX.
    TscAux,
    // The vCPU's own SPEC_CTRL (HostMsrFeatures.IsValidSpecCtrl on writes), which the world
    // switch loads while it runs; #GP where the CPU has no SPEC_CTRL.
    SpecCtrl,
    // Write of PRED_CMD (HostMsrFeatures.IsValidPredCmd): an IBPB on this CPU when bit 0 is set.
    PredictionCommand,
}
