namespace Redoubt.Kernel.Boot;

// One entry of the E820 memory map a Linux guest finds in its boot_params (e820_table, 0x2D0):
// 20 bytes in the zero page, {u64 addr, u64 size, u32 type}. Types follow the ACPI address
// range types that Linux reads.
public readonly struct E820Entry
{
    public const uint Ram = 1, Reserved = 2, AcpiReclaimable = 3, AcpiNvs = 4, Unusable = 5;
    public const int Size = 20;

    public E820Entry(ulong address, ulong length, uint type)
    {
        Address = address;
        Length = length;
        Type = type;
    }

    public ulong Address { get; }
    public ulong Length { get; }
    public uint Type { get; }
}
