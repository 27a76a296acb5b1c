using System;

namespace Redoubt.Kernel.Traps;

// Turns an exception into the reason a panic prints: the vector's name, and for page faults
// what the access was and why it failed, with faults near address 0 named as null dereferences
// and faults in a stack guard page named as stack overflows.
public static class TrapDiagnosis
{
    // Faults below this address are dereferences of null (plus a field offset).
    public const ulong NullPageLimit = 4096;

    // Page-fault error code bits (SDM vol. 3 4.7).
    public const ulong FaultPresent = 1, FaultWrite = 2, FaultUser = 4, FaultReservedBit = 8, FaultInstructionFetch = 16;

    public static ReadOnlySpan<byte> VectorName(ulong vector) => vector switch
    {
        0 => "divide by zero"u8,
        1 => "debug exception"u8,
        2 => "non-maskable interrupt"u8,
        3 => "breakpoint"u8,
        4 => "overflow (INTO)"u8,
        5 => "bound range exceeded"u8,
        6 => "invalid opcode"u8,
        7 => "device not available"u8,
        8 => "double fault"u8,
        10 => "invalid TSS"u8,
        11 => "segment not present"u8,
        12 => "stack-segment fault"u8,
        13 => "general protection fault"u8,
        14 => "page fault"u8,
        16 => "x87 floating-point error"u8,
        17 => "alignment check"u8,
        18 => "machine check"u8,
        19 => "SIMD floating-point exception"u8,
        20 => "virtualization exception"u8,
        21 => "control-protection exception"u8,
        30 => "security exception"u8,
        _ => "reserved exception"u8,
    };

    public static PageFaultKind ClassifyPageFault(ulong faultAddress, ulong errorCode, ulong guardStart, ulong guardEnd)
    {
        if (faultAddress >= guardStart && faultAddress < guardEnd)
            return PageFaultKind.StackOverflow;
        if ((errorCode & FaultPresent) == 0 && faultAddress < NullPageLimit)
            return PageFaultKind.NullDereference;
        if ((errorCode & FaultReservedBit) != 0)
            return PageFaultKind.ReservedBit;
        if ((errorCode & FaultInstructionFetch) != 0)
            return (errorCode & FaultPresent) != 0 ? PageFaultKind.ExecuteNonExecutable : PageFaultKind.ExecuteNotMapped;
        if ((errorCode & FaultWrite) != 0)
            return (errorCode & FaultPresent) != 0 ? PageFaultKind.WriteReadOnly : PageFaultKind.WriteNotMapped;
        return PageFaultKind.ReadNotMapped;
    }

    public static ReadOnlySpan<byte> Describe(PageFaultKind kind) => kind switch
    {
        PageFaultKind.StackOverflow => "stack overflow (page fault in a stack guard page)"u8,
        PageFaultKind.NullDereference => "null dereference (page fault near address 0)"u8,
        PageFaultKind.ReservedBit => "page fault (reserved bit set in a page-table entry)"u8,
        PageFaultKind.ExecuteNonExecutable => "page fault (instruction fetch from a non-executable page)"u8,
        PageFaultKind.ExecuteNotMapped => "page fault (instruction fetch from an unmapped page)"u8,
        PageFaultKind.WriteReadOnly => "page fault (write to a read-only page)"u8,
        PageFaultKind.WriteNotMapped => "page fault (write to an unmapped page)"u8,
        _ => "page fault (read from an unmapped page)"u8,
    };
}
