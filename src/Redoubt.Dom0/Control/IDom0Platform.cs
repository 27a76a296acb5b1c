namespace Redoubt.Dom0.Control;

// What redoubtctl needs from the machine: CPUID, and Redoubt's driver (/dev/redoubt), through
// which every hypercall goes. Native/LinuxPlatform is the real one; the tests have fakes.
public interface IDom0Platform
{
    CpuidRegisters Cpuid(uint leaf, uint subleaf);

    // /dev/redoubt opened, or false and why not (the driver is not loaded, not root).
    bool TryOpenDevice(out IRedoubtDevice? device, out string? error);
}
