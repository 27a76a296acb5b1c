namespace Internal.Runtime;

internal struct DispatchMapEntry
{
    public ushort InterfaceIndex;
    public ushort InterfaceMethodSlot;
    public ushort ImplementationMethodSlot;
}
