using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Internal.Runtime;
using Internal.Runtime.CompilerHelpers;

namespace System.Runtime;

// Allocation, boxing and write-barrier entry points the compiler's generated code calls.
internal static unsafe class RuntimeExports
{
    [RuntimeExport("RhpNewFast")]
    private static object RhpNewFast(MethodTable* type) => BootArena.NewObject(type);

    [RuntimeExport("RhpNewFinalizable")]
    private static object RhpNewFinalizable(MethodTable* type) => BootArena.NewObject(type);

    [RuntimeExport("RhpNewArrayFast")]
    private static object RhpNewArrayFast(MethodTable* type, nint length) => BootArena.NewArray(type, length);

    [RuntimeExport("RhpNewPtrArrayFast")]
    private static object RhpNewPtrArrayFast(MethodTable* type, nint length) => BootArena.NewArray(type, length);

    [RuntimeExport("RhpNewArray")]
    private static object RhpNewArray(MethodTable* type, nint length) => BootArena.NewArray(type, length);

    [RuntimeExport("RhNewObject")]
    internal static object RhNewObject(MethodTable* type) => BootArena.NewObject(type);

    [RuntimeExport("RhNewArray")]
    internal static object RhNewArray(MethodTable* type, int length) => BootArena.NewArray(type, length);

    [RuntimeExport("RhBox")]
    internal static object RhBox(MethodTable* type, ref byte data)
    {
        object box = BootArena.NewObject(type);
        SpanHelpers.Memmove(ref Unsafe.As<RawData>(box).Data, ref data, type->ValueTypeSize);
        return box;
    }

    [RuntimeExport("RhBoxAny")]
    internal static object RhBoxAny(ref byte data, MethodTable* type) => RhBox(type, ref data);

    [RuntimeExport("RhUnbox2")]
    internal static ref byte RhUnbox2(MethodTable* type, object obj)
    {
        if (obj is null || obj.GetMethodTable() != type)
            ThrowHelpers.ThrowInvalidCastException();
        return ref Unsafe.As<RawData>(obj).Data;
    }

    [RuntimeExport("RhUnboxNullable")]
    internal static void RhUnboxNullable(ref byte data, MethodTable* nullableType, object? obj)
    {
        MethodTable* valueType = nullableType->RelatedType;
        if (obj is not null && obj.GetMethodTable() != valueType)
            ThrowHelpers.ThrowInvalidCastException();
        SpanHelpers.ClearWithoutReferences(ref data, nullableType->ValueTypeSize);
        if (obj is null)
            return;
        data = 1;   // hasValue
        SpanHelpers.Memmove(ref Unsafe.Add(ref data, nullableType->NullableValueOffset), ref Unsafe.As<RawData>(obj).Data, valueType->ValueTypeSize);
    }

    [RuntimeExport("RhpAssignRef")]
    private static void RhpAssignRef(nint* destination, nint value) => *destination = value;

    [RuntimeExport("RhpCheckedAssignRef")]
    private static void RhpCheckedAssignRef(nint* destination, nint value) => *destination = value;

    // Managed code runs on the boot CPU only, so a plain compare-and-swap is enough.
    [RuntimeExport("RhpCheckedLockCmpXchg")]
    private static nint RhpCheckedLockCmpXchg(nint* destination, nint value, nint comparand)
    {
        nint original = *destination;
        if (original == comparand)
            *destination = value;
        return original;
    }

    [RuntimeExport("RhpPInvoke")]
    private static void RhpPInvoke(nint frame) { }

    [RuntimeExport("RhpPInvokeReturn")]
    private static void RhpPInvokeReturn(nint frame) { }

    [RuntimeExport("RhpReversePInvoke")]
    private static void RhpReversePInvoke(nint frame) { }

    [RuntimeExport("RhpReversePInvokeReturn")]
    private static void RhpReversePInvokeReturn(nint frame) { }

    [RuntimeExport("RhpGcPoll")]
    private static void RhpGcPoll() { }
}
