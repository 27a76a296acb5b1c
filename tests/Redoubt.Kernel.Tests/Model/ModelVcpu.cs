using Redoubt.Abi;

namespace Redoubt.Kernel.Tests.Model;

public sealed class ModelVcpu
{
    public bool InUse;
    public ushort Vm;
    // Creation order within the VM: the order of the vCPU records in the launch measurement.
    public int Index;
    public uint Generation;
    public byte[] State = new byte[VcpuState.Size];
}
