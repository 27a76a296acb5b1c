namespace Redoubt.Kernel.X64.Guests;

// A VM the launcher built and finalized: Dom0's capability slots for it and its vCPU, its
// domain number, where its RAM came from, and the Dom0 page VcpuRun writes its exits to.
internal struct LaunchedGuest
{
    public ulong VmSlot;
    public ulong VcpuSlot;
    public ushort Domain;
    public int VcpuIndex;
    public ulong RamHostAddress;
    public ulong RamBytes;
    public ulong MessageBuffer;
}
