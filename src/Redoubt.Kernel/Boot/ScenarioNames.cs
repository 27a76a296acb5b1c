using System;
using Redoubt.Kernel.Virtualization;

namespace Redoubt.Kernel.Boot;

public static class ScenarioNames
{
    public static ReadOnlySpan<byte> Key => "redoubt.scenario"u8;

    private static readonly Scenario[] s_all =
    [
        Scenario.Boot, Scenario.IndexOutOfRange, Scenario.WriteReadOnly, Scenario.NullDereference,
        Scenario.DivideByZero, Scenario.Overflow, Scenario.InvalidCast, Scenario.Throw,
        Scenario.StackOverflow, Scenario.WxAuditNegative, Scenario.KernelCore,
        Scenario.VmHello, Scenario.VmOutsideMemory, Scenario.VmTripleFault, Scenario.VmSecret, Scenario.VmVector, Scenario.VmSpin,
        Scenario.VmGarbageHypercall, Scenario.VmManyExits, Scenario.VmMsr, Scenario.VmUserHypercall, Scenario.VmLeftovers, Scenario.BenchExits,
        Scenario.Dom0,
    ];

    public static ReadOnlySpan<Scenario> All => s_all;

    public static ReadOnlySpan<byte> Of(Scenario scenario) => scenario switch
    {
        Scenario.Boot => "boot"u8,
        Scenario.IndexOutOfRange => "index-out-of-range"u8,
        Scenario.WriteReadOnly => "write-readonly"u8,
        Scenario.NullDereference => "null-dereference"u8,
        Scenario.DivideByZero => "divide-by-zero"u8,
        Scenario.Overflow => "overflow"u8,
        Scenario.InvalidCast => "invalid-cast"u8,
        Scenario.Throw => "throw"u8,
        Scenario.StackOverflow => "stack-overflow"u8,
        Scenario.WxAuditNegative => "wx-audit-negative"u8,
        Scenario.KernelCore => "kernel-core"u8,
        Scenario.VmHello => "vm-hello"u8,
        Scenario.VmOutsideMemory => "vm-outside-memory"u8,
        Scenario.VmTripleFault => "vm-triple-fault"u8,
        Scenario.VmSecret => "vm-secret"u8,
        Scenario.VmVector => "vm-vector"u8,
        Scenario.VmSpin => "vm-spin"u8,
        Scenario.VmGarbageHypercall => "vm-garbage-hypercall"u8,
        Scenario.VmManyExits => "vm-many-exits"u8,
        Scenario.VmMsr => "vm-msr"u8,
        Scenario.VmUserHypercall => "vm-user-hypercall"u8,
        Scenario.VmLeftovers => "vm-leftovers"u8,
        Scenario.BenchExits => "bench-exits"u8,
        Scenario.Dom0 => "dom0"u8,
        _ => "unknown"u8,
    };

    // An absent name selects the default scenario, Boot; a name nobody knows is Unknown.
    public static Scenario Parse(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty)
            return Scenario.Boot;
        foreach (Scenario scenario in All)
        {
            if (ByteSpans.Same(Of(scenario), name))
                return scenario;
        }
        return Scenario.Unknown;
    }
}
