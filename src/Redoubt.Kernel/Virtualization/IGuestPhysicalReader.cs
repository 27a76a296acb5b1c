namespace Redoubt.Kernel.Virtualization;

// Guest-physical memory as the exit handlers read it: through the VM's nested table, so a
// guest can only make the kernel read memory that is the guest's own. The SVM backend
// implements it over a VM's nested table, host tests over a dictionary. Used as a struct type
// parameter so the compiler specialises every call.
public interface IGuestPhysicalReader
{
    // The 8 bytes at an 8-byte aligned guest-physical address; false when the nested table maps
    // nothing there.
    bool TryReadQword(ulong guestPhysical, out ulong value);
}
