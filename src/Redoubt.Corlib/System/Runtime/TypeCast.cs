using Internal.Runtime;
using Internal.Runtime.CompilerHelpers;

namespace System.Runtime;

// Casting helpers the compiler binds by name. Supported: exact types, class hierarchies,
// interfaces a type declares (directly or through its bases), arrays of reference types whose
// element types are castable. Generic variance is not supported: such a cast fails (a panic on
// a checked cast) rather than succeed wrongly.
internal static unsafe class TypeCast
{
    internal static object? IsInstanceOfClass(MethodTable* targetType, object? obj)
    {
        if (obj is null)
            return null;
        for (MethodTable* type = obj.GetMethodTable(); type != null; type = type->RelatedType)
        {
            if (type == targetType)
                return obj;
            if (type->IsParameterized)
                break;
        }
        return null;
    }

    internal static object? IsInstanceOfInterface(MethodTable* targetType, object? obj)
    {
        if (obj is null)
            return null;
        return ImplementsInterface(obj.GetMethodTable(), targetType) ? obj : null;
    }

    internal static object? IsInstanceOfAny(MethodTable* targetType, object? obj)
    {
        if (obj is null)
            return null;
        return IsAssignable(obj.GetMethodTable(), targetType) ? obj : null;
    }

    internal static bool IsInstanceOfException(MethodTable* targetType, object? obj) =>
        IsInstanceOfClass(targetType, obj) is not null;

    internal static object? CheckCastClass(MethodTable* targetType, object? obj)
    {
        if (obj is null || obj.GetMethodTable() == targetType)
            return obj;
        return CheckCastClassSpecial(targetType, obj);
    }

    internal static object CheckCastClassSpecial(MethodTable* targetType, object obj)
    {
        if (IsInstanceOfClass(targetType, obj) is null)
            ThrowHelpers.ThrowInvalidCastException();
        return obj;
    }

    internal static object? CheckCastInterface(MethodTable* targetType, object? obj)
    {
        if (obj is not null && !ImplementsInterface(obj.GetMethodTable(), targetType))
            ThrowHelpers.ThrowInvalidCastException();
        return obj;
    }

    internal static object? CheckCastAny(MethodTable* targetType, object? obj)
    {
        if (obj is not null && !IsAssignable(obj.GetMethodTable(), targetType))
            ThrowHelpers.ThrowInvalidCastException();
        return obj;
    }

    internal static void StelemRef(object?[] array, nint index, object? obj)
    {
        if ((nuint)index >= (uint)array.Length)
            ThrowHelpers.ThrowIndexOutOfRangeException();
        if (obj is not null && !IsAssignable(obj.GetMethodTable(), array.GetMethodTable()->RelatedType))
            ThrowHelpers.ThrowArrayTypeMismatchException();
        System.Runtime.CompilerServices.Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(array), index) = obj;
    }

    internal static ref object? LdelemaRef(object?[] array, nint index, MethodTable* elementType)
    {
        if ((nuint)index >= (uint)array.Length)
            ThrowHelpers.ThrowIndexOutOfRangeException();
        if (array.GetMethodTable()->RelatedType != elementType)
            ThrowHelpers.ThrowArrayTypeMismatchException();
        return ref System.Runtime.CompilerServices.Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(array), index);
    }

    internal static bool IsAssignable(MethodTable* sourceType, MethodTable* targetType)
    {
        if (sourceType == targetType)
            return true;
        if (targetType->IsInterface)
            return ImplementsInterface(sourceType, targetType);
        if (sourceType->IsArray)
        {
            if (!targetType->IsArray || sourceType->ElementType != targetType->ElementType)
                return IsInstanceOfBaseClass(sourceType, targetType);
            MethodTable* sourceElement = sourceType->RelatedType;
            MethodTable* targetElement = targetType->RelatedType;
            // Array covariance holds for reference elements only.
            return !sourceElement->IsValueType && !targetElement->IsValueType && IsAssignable(sourceElement, targetElement);
        }
        return IsInstanceOfBaseClass(sourceType, targetType);
    }

    // Arrays derive from object; a cast of an array to System.Array is not supported.
    private static bool IsInstanceOfBaseClass(MethodTable* sourceType, MethodTable* targetType)
    {
        if (sourceType->IsParameterized)
            return targetType->IsObject;
        for (MethodTable* type = sourceType; type != null; type = type->RelatedType)
        {
            if (type == targetType)
                return true;
        }
        return false;
    }

    private static bool ImplementsInterface(MethodTable* sourceType, MethodTable* interfaceType)
    {
        MethodTable** map = sourceType->InterfaceMap;
        for (int i = 0; i < sourceType->NumInterfaces; i++)
        {
            if (map[i] == interfaceType)
                return true;
        }
        return false;
    }
}
