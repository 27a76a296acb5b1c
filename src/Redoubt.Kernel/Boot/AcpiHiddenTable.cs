namespace Redoubt.Kernel.Boot;

// A table HideTables removed from the root tables: its original signature, where it is and its
// length (from its header, checked before anything was changed).
public readonly struct AcpiHiddenTable
{
    public AcpiHiddenTable(uint signature, ulong address, uint length)
    {
        Signature = signature;
        Address = address;
        Length = length;
    }

    public uint Signature { get; }
    public ulong Address { get; }
    public uint Length { get; }
}
