using System;
using Redoubt.Abi;

namespace Redoubt.Dom0.Control;

// What redoubtctl needs from the machine: CPUID, a buffer Redoubt can write by physical
// address, and the hypercall. Native/LinuxPlatform is the real one; the tests have fakes.
public interface IDom0Platform
{
    CpuidRegisters Cpuid(uint leaf, uint subleaf);

    // A zeroed buffer that stays at one physical address until disposed, or false and why not.
    bool TryOpenBuffer(out IHypercallBuffer? buffer, out string? error);

    // VMMCALL with the ABI's register convention. Only after HypervisorSignature says Redoubt.
    HypercallResult Call(in HypercallRegisters registers);
}

public interface IHypercallBuffer : IDisposable
{
    // The guest-physical address of Bytes[0], which Redoubt writes.
    ulong PhysicalAddress { get; }

    Span<byte> Bytes { get; }
}
