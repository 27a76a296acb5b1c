namespace Internal.Runtime;

// A call site's dispatch cell: { stub, cache }. The cache word encodes the interface as a 32-bit
// offset from itself with low bits 3. Cells of one (interface, slot) are grouped; the group ends
// with a cell whose stub is 0 and whose cache word holds the slot in its low 16 bits.
internal unsafe struct InterfaceDispatchCell
{
    private nint _stub;
    private nint _cache;

    private const nint RelativeInterfacePointer = 3;

    internal MethodTable* InterfaceType
    {
        get
        {
            fixed (nint* cache = &_cache)
            {
                if ((_cache & 3) != RelativeInterfacePointer)
                    CompilerHelpers.ThrowHelpers.ThrowNotImplementedException();
                int offset = (int)(_cache & ~(nint)3);
                return (MethodTable*)((byte*)cache + offset);
            }
        }
    }

    internal ushort InterfaceSlot
    {
        get
        {
            fixed (InterfaceDispatchCell* self = &this)
            {
                InterfaceDispatchCell* cell = self;
                while (cell->_stub != 0)
                    cell++;
                return (ushort)cell->_cache;
            }
        }
    }
}
