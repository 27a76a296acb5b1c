using System;
using Redoubt.Kernel.Boot;

namespace Redoubt.Kernel.Tests.Boot;

// IAcpiMemory over an AcpiTestMachine.
public readonly struct AcpiTestMemory : IAcpiMemory
{
    private readonly AcpiTestMachine _machine;

    public AcpiTestMemory(AcpiTestMachine machine) => _machine = machine;

    public bool TryRead(ulong physical, Span<byte> destination) => _machine.TryRead(physical, destination);

    public bool TryWrite(ulong physical, ReadOnlySpan<byte> source) => _machine.TryWrite(physical, source);
}
