namespace Internal.Runtime;

// The compiler's type descriptor, as ILC emits it for x64. Only the fields the runtime helpers
// read are declared; offsets are a contract with the compiler.
internal unsafe struct MethodTable
{
    private const uint HasComponentSizeFlag = 0x80000000;
    private const uint KindMask = 0x00030000;
    private const uint ParameterizedKind = 0x00020000;
    private const uint ElementTypeMask = 0x7C000000;
    private const int ElementTypeShift = 26;
    private const uint NullableElementType = 0x11;
    private const uint InterfaceElementType = 0x12;
    private const uint ArrayElementType = 0x14;
    private const uint SzArrayElementType = 0x18;

    private uint _flags;
    private uint _baseSize;
    private MethodTable* _relatedType;
    private ushort _numVtableSlots;
    private ushort _numInterfaces;
    private uint _hashCode;

    internal uint BaseSize => _baseSize;

    internal bool HasComponentSize => (_flags & HasComponentSizeFlag) != 0;

    // For arrays and strings: the size of one element.
    internal ushort ComponentSize => HasComponentSize ? (ushort)_flags : (ushort)0;

    internal uint ElementType => (_flags & ElementTypeMask) >> ElementTypeShift;

    internal bool IsInterface => ElementType == InterfaceElementType;

    // Primitive, enum and struct types carry an element type at or below ValueType/Nullable.
    internal bool IsValueType => ElementType != 0 && ElementType <= NullableElementType;

    // System.Object is the one class without a base type.
    internal bool IsObject => _relatedType == null && !IsInterface && !IsValueType && !IsParameterized;

    internal bool IsParameterized => (_flags & KindMask) == ParameterizedKind;

    internal bool IsArray => ElementType == ArrayElementType || ElementType == SzArrayElementType;

    // Base type for classes; element type for arrays and pointers.
    internal MethodTable* RelatedType => _relatedType;

    internal ushort NumVtableSlots => _numVtableSlots;

    internal ushort NumInterfaces => _numInterfaces;

    // The interface map follows the vtable.
    internal MethodTable** InterfaceMap
    {
        get
        {
            fixed (MethodTable* self = &this)
                return (MethodTable**)((byte*)self + sizeof(MethodTable) + _numVtableSlots * sizeof(nint));
        }
    }

    internal nint* Vtable
    {
        get
        {
            fixed (MethodTable* self = &this)
                return (nint*)((byte*)self + sizeof(MethodTable));
        }
    }
}
