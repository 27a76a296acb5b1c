namespace Redoubt.Kernel.Hypercalls;

// What KernelCore.Audit found: how many frames it checked, how many violations, and the first
// one (its invariant's number from docs/spec/invariants.md, and the frame or table involved).
public struct InvariantAudit
{
    public ulong FramesChecked;
    public ulong Violations;
    public byte FirstInvariant;
    public ulong FirstFrame;

    public void Violation(byte invariant, ulong frame)
    {
        if (Violations++ == 0)
        {
            FirstInvariant = invariant;
            FirstFrame = frame;
        }
    }
}
