namespace Redoubt.Kernel.Memory;

// What a physical frame is used for. Transitions happen only in FrameTable.Set, called by the
// kernel core's perform steps.
public enum FrameState : byte
{
    // Zeroed, owned by nobody; the pool page tables are taken from.
    Free = 0,
    // The kernel's image, stacks, metadata: in no guest table.
    Hypervisor = 1,
    // Dom0's memory: mapped in Dom0's nested table at its own address.
    Dom0 = 2,
    // A VM's memory: mapped only in that VM's nested table.
    GuestPrivate = 3,
    // A VM's memory it chose to share: mapped in its own table and in Dom0's at its own address.
    GuestShared = 4,
    // A nested-table frame of the owner domain: in no guest table.
    PageTable = 5,
    // Device memory: Dom0 only.
    Mmio = 6,
    // Leaving a VM: unmapped there, not yet scrubbed, not yet Dom0's. Transient within a call.
    Zeroing = 7,
}
