namespace Redoubt.Kernel.Diagnostics;

// Why managed code stopped. Numbers are shared with Boot/failures.asm of the image.
public enum RuntimeFailureKind
{
    IndexOutOfRange = 1,
    Overflow = 2,
    InvalidCast = 3,
    NullReference = 4,
    DivideByZero = 5,
    ArgumentOutOfRange = 6,
    Argument = 7,
    InvalidOperation = 8,
    NotSupported = 9,
    InvalidProgram = 10,
    ArrayTypeMismatch = 11,
    OutOfMemory = 12,
    Throw = 13,
    TypeLoad = 14,
    FailFast = 15,
}
