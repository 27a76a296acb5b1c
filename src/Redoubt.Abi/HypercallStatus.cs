namespace Redoubt.Abi;

// Returned in RAX. A failing hypercall changes nothing.
public enum HypercallStatus : ulong
{
    Success = 0,
    // The number in RAX names no hypercall.
    UnknownHypercall = 1,
    // The slot is out of range, empty, or names an object that no longer exists.
    InvalidCapability = 2,
    // The capability names an object of another type.
    WrongObjectType = 3,
    // The capability lacks a right the call needs.
    InsufficientRights = 4,
    // An argument is malformed: misaligned, zero or too large a count, overflowing range,
    // unknown flag bits.
    InvalidArgument = 5,
    // The object is in the wrong state (e.g. finalized, or not yet).
    InvalidState = 6,
    // A frame is not the caller's to give, or not in the state the call needs.
    NotOwned = 7,
    // The target guest-physical range is already (partly) mapped.
    AlreadyMapped = 8,
    // The target guest-physical range is (partly) not mapped.
    NotMapped = 9,
    // A fixed pool (VMs, vCPUs, capability slots, page-table frames) is exhausted.
    OutOfResources = 10,
    // A buffer does not lie in the caller's own memory or is too small.
    InvalidBuffer = 11,
    // Defined by the ABI but not implemented by this kernel yet.
    NotImplemented = 12,
}
