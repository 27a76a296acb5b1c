using Redoubt.Abi;
using Redoubt.Kernel.Capabilities;
using Redoubt.Kernel.Crypto;

namespace Redoubt.Kernel.Objects;

// A VM (protection domain n >= 1). Its nested-table root lives in the frame table as a
// PageTable frame of domain n.
public sealed class VirtualMachine
{
    public VirtualMachine(ushort domain, int capabilitySlots)
    {
        Domain = domain;
        Capabilities = new CapabilitySpace(capabilitySlots);
    }

    public ushort Domain { get; }

    public uint Generation { get; set; }

    public VmState State { get; set; }

    public ulong NestedRoot { get; set; }

    public int VcpuCount { get; set; }

    // Set when the VM died or was stopped for a forbidden access: no vCPU of it runs again.
    public bool Stopped { get; set; }

    // The running launch measurement (VmLoad records, then the finalize record).
    public Sha384 Measurement;

    public Digest384 LaunchDigest;

    // The VM's own capabilities: a self capability with VmRights.All, so the VM (and later its
    // VMM) can share pages; Dom0's capability lacks Share.
    public CapabilitySpace Capabilities { get; }
}
