namespace Internal.Runtime;

// How a type implements interface slots: a header of counts, then (standard + default) entries
// of { interface index, interface slot, implementation slot }, 6 bytes each.
internal unsafe struct DispatchMap
{
    private ushort _standardCount;
    private ushort _defaultCount;
    private ushort _standardStaticCount;
    private ushort _defaultStaticCount;

    internal const ushort ReabstractionSlot = 0xFFFF;
    internal const ushort DiamondSlot = 0xFFFE;

    internal int StandardCount => _standardCount;

    internal int DefaultCount => _defaultCount;

    internal DispatchMapEntry* Entries
    {
        get
        {
            fixed (DispatchMap* self = &this)
                return (DispatchMapEntry*)(self + 1);
        }
    }
}
