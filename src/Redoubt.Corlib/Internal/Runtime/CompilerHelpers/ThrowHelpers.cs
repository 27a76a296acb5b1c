using System.Runtime;
using System.Runtime.CompilerServices;

namespace Internal.Runtime.CompilerHelpers;

// The compiler calls these by name for every runtime check that fails. Each is bound straight to
// a boot-stub symbol that records the call site as the faulting RIP and panics: nothing unwinds,
// nothing returns.
internal static class ThrowHelpers
{
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtFailIndexOutOfRange")]
    internal static extern void ThrowIndexOutOfRangeException();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtFailOverflow")]
    internal static extern void ThrowOverflowException();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtFailDivideByZero")]
    internal static extern void ThrowDivideByZeroException();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtFailNullReference")]
    internal static extern void ThrowNullReferenceException();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtFailInvalidCast")]
    internal static extern void ThrowInvalidCastException();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtFailArgumentOutOfRange")]
    internal static extern void ThrowArgumentOutOfRangeException();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtFailArgument")]
    internal static extern void ThrowArgumentException();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtFailInvalidOperation")]
    internal static extern void ThrowInvalidOperationException();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtFailArrayTypeMismatch")]
    internal static extern void ThrowArrayTypeMismatchException();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtFailNotSupported")]
    internal static extern void ThrowPlatformNotSupportedException();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtFailNotSupported")]
    internal static extern void ThrowNotImplementedException();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtFailNotSupported")]
    internal static extern void ThrowFeatureBodyRemoved();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtFailInvalidProgram")]
    internal static extern void ThrowInvalidProgramException(int id);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtFailInvalidProgram")]
    internal static extern void ThrowInvalidProgramExceptionWithArgument(int id, string methodName);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtFailTypeLoad")]
    internal static extern void ThrowTypeLoadException(int id, string className, string typeName);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtFailTypeLoad")]
    internal static extern void ThrowTypeLoadExceptionWithArgument(int id, string className, string typeName, string messageArg);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtFailOutOfMemory")]
    internal static extern void ThrowOutOfMemoryException();
}
