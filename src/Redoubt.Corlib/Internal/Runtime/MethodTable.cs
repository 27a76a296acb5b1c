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
    private const uint FirstReferenceElementType = 0x14;   // Class; below it: primitives, structs, Nullable
    private const uint ClassElementType = 0x14;
    private const uint InterfaceElementType = 0x15;
    private const uint ArrayElementType = 0x17;
    private const uint SzArrayElementType = 0x18;
    private const uint HasDispatchMapFlag = 0x00040000;
    private const uint HasFinalizerFlag = 0x00100000;
    private const uint HasSealedVTableEntriesFlag = 0x00400000;

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

    // Primitive, enum, struct and Nullable types carry an element type below Class.
    internal bool IsValueType => ElementType < FirstReferenceElementType;

    // System.Object is the one class without a base type.
    internal bool IsObject => _relatedType == null && ElementType == ClassElementType;

    // Value types: the size of the fields (BaseSize counts the object header and MethodTable
    // pointer, plus padding recorded in the extended flags).
    internal uint ValueTypeSize => _baseSize - (uint)(2 * sizeof(nint)) - ((_flags & 0xE0) >> 5);

    // Nullable<T>: the offset of the value field (log2 in the extended flags); T is RelatedType.
    internal int NullableValueOffset => 1 << (int)((_flags & 0x700) >> 8);

    internal bool HasDispatchMap => (_flags & HasDispatchMapFlag) != 0;

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

    // Optional fields follow the interface map as 32-bit relative pointers, in this order:
    // TypeManagerIndirection, WritableData, DispatchMap (if any), Finalizer (if any),
    // SealedVirtualSlots (if any).
    private int* OptionalFields => (int*)(InterfaceMap + _numInterfaces);

    private static byte* FollowRelative(int* field) => (byte*)field + *field;

    internal DispatchMap* DispatchMap => HasDispatchMap ? (DispatchMap*)FollowRelative(OptionalFields + 2) : null;

    // The sealed vtable: 32-bit relative code pointers for slots at or past NumVtableSlots.
    internal nint SealedVirtualSlot(int index)
    {
        int* field = OptionalFields + 2;
        if (HasDispatchMap)
            field++;
        if ((_flags & HasFinalizerFlag) != 0)
            field++;
        if ((_flags & HasSealedVTableEntriesFlag) == 0)
            return 0;
        int* slots = (int*)FollowRelative(field);
        return (nint)FollowRelative(slots + index);
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
