namespace Redoubt.Kernel.Virtualization;

// Reads a VM's memory by guest-physical address, through its nested table.
public interface IGuestPhysicalReader
{
    // False when the address is not mapped for the VM.
    bool TryReadQword(ulong guestPhysical, out ulong value);
}
