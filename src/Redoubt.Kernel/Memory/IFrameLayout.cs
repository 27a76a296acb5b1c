namespace Redoubt.Kernel.Memory;

// Who owns each physical frame when the kernel core starts: Hypervisor (the kernel's own, and
// RAM it keeps), Free (the pool nested tables come from), Dom0 (every other frame of RAM) or
// Mmio (no RAM: holes, firmware and device ranges).
public interface IFrameLayout
{
    FrameState InitialState(ulong frame);
}
