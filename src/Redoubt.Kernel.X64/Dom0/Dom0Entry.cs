namespace Redoubt.Kernel.X64.Dom0;

// Where Dom0's Linux starts: the 32-bit boot protocol entry (the protected-mode code's load
// address, code32_start) with ESI pointing at the zero page.
internal readonly struct Dom0Entry
{
    public Dom0Entry(ulong kernelAddress, ulong zeroPage, ulong ramdiskAddress, ulong ramdiskSize)
    {
        KernelAddress = kernelAddress;
        ZeroPage = zeroPage;
        RamdiskAddress = ramdiskAddress;
        RamdiskSize = ramdiskSize;
    }

    public ulong KernelAddress { get; }
    public ulong ZeroPage { get; }
    public ulong RamdiskAddress { get; }
    public ulong RamdiskSize { get; }
}
