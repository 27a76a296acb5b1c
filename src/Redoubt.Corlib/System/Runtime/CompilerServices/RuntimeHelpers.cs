using Internal.Runtime;

namespace System.Runtime.CompilerServices;

public static unsafe class RuntimeHelpers
{
    public static int OffsetToStringData => 12;

    [Intrinsic]
    public static bool IsReferenceOrContainsReferences<T>() => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static void InitializeArray(Array array, RuntimeFieldHandle fldHandle) => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static ReadOnlySpan<T> CreateSpan<T>(RuntimeFieldHandle fldHandle) => throw new PlatformNotSupportedException();

    [Intrinsic]
    internal static MethodTable* GetMethodTable(object obj) => obj._methodTable;
}
