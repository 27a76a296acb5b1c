using System;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Redoubt.Kernel.Capabilities;
using Redoubt.Kernel.Crypto;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Objects;

namespace Redoubt.Kernel.Host.Support;

// A SHA-256 over every bit of kernel state: machine memory (all page tables included), frame
// table, free pool order, objects, capability spaces. Equal digests = bit-for-bit equal state.
public static class StateDigest
{
    public static string Of(KernelCore<ArrayPhysicalMemory> core)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(core.Machine.Physical.Bytes);
        hash.AppendData(MemoryMarshal.AsBytes(core.Machine.Frames.Entries));
        hash.AppendData(MemoryMarshal.AsBytes(core.Machine.Frames.Counts));
        hash.AppendData(MemoryMarshal.AsBytes(core.Machine.Free.Frames));
        hash.AppendData(BitConverter.GetBytes(core.Dom0Table.Root));
        AppendCapabilities(hash, core.Dom0Capabilities);
        foreach (VirtualMachine vm in core.Vms)
        {
            hash.AppendData(BitConverter.GetBytes(vm.Generation));
            hash.AppendData(BitConverter.GetBytes((int)vm.State));
            hash.AppendData(BitConverter.GetBytes(vm.NestedRoot));
            hash.AppendData(BitConverter.GetBytes(vm.VcpuCount));
            Sha384 measurement = vm.Measurement;
            byte[] running = new byte[Sha384.DigestSize];
            measurement.Finish(running);
            hash.AppendData(running);
            Span<byte> launch = vm.LaunchDigest;
            hash.AppendData(launch);
            AppendCapabilities(hash, vm.Capabilities);
        }
        foreach (VirtualCpu vcpu in core.Vcpus)
        {
            hash.AppendData(BitConverter.GetBytes(vcpu.Generation));
            hash.AppendData(BitConverter.GetBytes(vcpu.InUse));
            hash.AppendData(BitConverter.GetBytes(vcpu.VmDomain));
            hash.AppendData(BitConverter.GetBytes(vcpu.Index));
            hash.AppendData(MemoryMarshal.AsBytes(new ReadOnlySpan<Abi.VcpuState>(in vcpu.State)));
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static void AppendCapabilities(IncrementalHash hash, CapabilitySpace space)
    {
        foreach (Capability capability in space.Slots)
        {
            hash.AppendData(BitConverter.GetBytes((int)capability.Type));
            hash.AppendData(BitConverter.GetBytes(capability.ObjectIndex));
            hash.AppendData(BitConverter.GetBytes(capability.Generation));
            hash.AppendData(BitConverter.GetBytes(capability.Rights));
            hash.AppendData(BitConverter.GetBytes(capability.Parent));
        }
    }
}
