using System;
using System.Collections.Generic;
using Redoubt.Abi;
using Redoubt.Dom0.Control;

namespace Redoubt.Dom0.Tests;

// A platform whose CPUID, driver and hypervisor the test chooses; it records every call.
internal sealed class FakePlatform : IDom0Platform
{
    public static readonly CpuidRegisters RedoubtFeatures = new(0x00A00F11, 0, HypervisorSignature.HypervisorPresentBit, 0);
    public static readonly CpuidRegisters RedoubtLeaf = new(0x4000_0000, 0x6F64_6552, 0x4874_6275, 0x56);

    public CpuidRegisters Features = RedoubtFeatures;
    public CpuidRegisters HypervisorLeaf = RedoubtLeaf;
    public string? OpenError;
    public string? CallError;
    // Where the fake driver's own copy of the buffer lives (the address it passes Redoubt).
    public ulong BufferAddress = 0x1234_5000;
    public Func<HypercallRegisters, Span<byte>, HypercallResult> Hypervisor = (_, _) => HypercallResult.Ok();

    public readonly List<uint> CpuidLeaves = [];
    // The registers as Redoubt received them, after the driver filled in its buffer.
    public readonly List<HypercallRegisters> Calls = [];
    public FakeDevice? Device;

    public CpuidRegisters Cpuid(uint leaf, uint subleaf)
    {
        CpuidLeaves.Add(leaf);
        return leaf switch
        {
            HypervisorSignature.FeatureLeaf => Features,
            HypervisorSignature.HypervisorLeaf => HypervisorLeaf,
            _ => default,
        };
    }

    public bool TryOpenDevice(out IRedoubtDevice? device, out string? error)
    {
        error = OpenError;
        device = null;
        if (error is not null)
            return false;
        Device = new FakeDevice(this);
        device = Device;
        return true;
    }

    // A record as Redoubt would write it, and the results it would return with it.
    public void Answers(InfoRecord record) =>
        Hypervisor = (registers, bytes) =>
        {
            System.Runtime.InteropServices.MemoryMarshal.Write(bytes, in record);
            return HypercallResult.Ok(record.AbiVersion, record.FramesTotal, record.FramesFree);
        };
}

// The driver as redoubt.c behaves for Info: its own copy of the caller's buffer, whose address
// and length replace arg0 and arg1, copied back after the call.
internal sealed class FakeDevice(FakePlatform platform) : IRedoubtDevice
{
    public bool Disposed { get; private set; }

    public bool TryCallWithBuffer(in HypercallRegisters registers, Span<byte> buffer, out HypercallResult result, out string? error)
    {
        if (Disposed)
            throw new ObjectDisposedException(nameof(FakeDevice));
        result = default;
        error = platform.CallError;
        if (error is not null)
            return false;
        if (registers.Number != (ulong)Hypercall.Info)
            throw new InvalidOperationException("the fake driver knows only Info's buffer");
        byte[] copy = buffer.ToArray();
        HypercallRegisters seen = registers;
        seen.Arg0 = platform.BufferAddress;
        seen.Arg1 = (ulong)buffer.Length;
        platform.Calls.Add(seen);
        result = platform.Hypervisor(seen, copy);
        copy.CopyTo(buffer);
        return true;
    }

    public void Dispose() => Disposed = true;
}
