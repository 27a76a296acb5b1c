namespace Redoubt.Kernel.Traps;

public enum PageFaultKind
{
    ReadNotMapped,
    WriteNotMapped,
    WriteReadOnly,
    ExecuteNotMapped,
    ExecuteNonExecutable,
    ReservedBit,
    NullDereference,
    StackOverflow,
}
