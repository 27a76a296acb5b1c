using System;
using System.Collections.Generic;
using Redoubt.Abi;
using Redoubt.Dom0.Control;

namespace Redoubt.Dom0.Tests;

// A platform whose CPUID, buffer and hypercall the test chooses; it records every call.
internal sealed class FakePlatform : IDom0Platform
{
    public static readonly CpuidRegisters RedoubtFeatures = new(0x00A00F11, 0, HypervisorSignature.HypervisorPresentBit, 0);
    public static readonly CpuidRegisters RedoubtLeaf = new(0x4000_0000, 0x6F64_6552, 0x4874_6275, 0x56);

    public CpuidRegisters Features = RedoubtFeatures;
    public CpuidRegisters HypervisorLeaf = RedoubtLeaf;
    public string? BufferError;
    public ulong BufferAddress = 0x1234_5000;
    public int BufferLength = 4096;
    public Func<HypercallRegisters, Span<byte>, HypercallResult> Hypervisor = (_, _) => HypercallResult.Ok();

    public readonly List<uint> CpuidLeaves = [];
    public readonly List<HypercallRegisters> Calls = [];
    public FakeBuffer? Buffer;

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

    public bool TryOpenBuffer(out IHypercallBuffer? buffer, out string? error)
    {
        error = BufferError;
        if (error is not null)
        {
            buffer = null;
            return false;
        }
        Buffer = new FakeBuffer(BufferAddress, new byte[BufferLength]);
        buffer = Buffer;
        return true;
    }

    public HypercallResult Call(in HypercallRegisters registers)
    {
        Calls.Add(registers);
        if (Buffer is null || Buffer.Disposed)
            throw new InvalidOperationException("hypercall without an open buffer");
        return Hypervisor(registers, Buffer.Bytes);
    }

    // A record as Redoubt would write it, and the results it would return with it.
    public void Answers(InfoRecord record) =>
        Hypervisor = (registers, bytes) =>
        {
            System.Runtime.InteropServices.MemoryMarshal.Write(bytes, in record);
            return HypercallResult.Ok(record.AbiVersion, record.FramesTotal, record.FramesFree);
        };
}

// A buffer over any memory: a plain array, or a page of a test machine.
internal sealed class FakeBuffer(ulong physicalAddress, Memory<byte> bytes) : IHypercallBuffer
{
    public bool Disposed { get; private set; }

    public ulong PhysicalAddress { get; } = physicalAddress;

    public Span<byte> Bytes => Disposed ? throw new ObjectDisposedException(nameof(FakeBuffer)) : bytes.Span;

    public void Dispose() => Disposed = true;
}
