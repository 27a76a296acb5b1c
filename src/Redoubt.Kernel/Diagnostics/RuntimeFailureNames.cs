using System;

namespace Redoubt.Kernel.Diagnostics;

public static class RuntimeFailureNames
{
    public static ReadOnlySpan<byte> Of(RuntimeFailureKind kind) => kind switch
    {
        RuntimeFailureKind.IndexOutOfRange => "index out of range"u8,
        RuntimeFailureKind.Overflow => "arithmetic overflow"u8,
        RuntimeFailureKind.InvalidCast => "invalid cast"u8,
        RuntimeFailureKind.NullReference => "null dereference"u8,
        RuntimeFailureKind.DivideByZero => "divide by zero"u8,
        RuntimeFailureKind.ArgumentOutOfRange => "argument out of range"u8,
        RuntimeFailureKind.Argument => "invalid argument"u8,
        RuntimeFailureKind.InvalidOperation => "invalid operation"u8,
        RuntimeFailureKind.NotSupported => "operation not supported in the kernel"u8,
        RuntimeFailureKind.InvalidProgram => "invalid program (compiler tables not understood)"u8,
        RuntimeFailureKind.ArrayTypeMismatch => "array type mismatch"u8,
        RuntimeFailureKind.OutOfMemory => "out of memory (boot arena exhausted)"u8,
        RuntimeFailureKind.Throw => "exception thrown"u8,
        RuntimeFailureKind.TypeLoad => "type load failure"u8,
        RuntimeFailureKind.FailFast => "fail-fast (stack cookie or runtime check)"u8,
        _ => "unknown runtime failure"u8,
    };
}
