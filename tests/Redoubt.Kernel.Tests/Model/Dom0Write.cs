using System;
using System.Runtime.InteropServices;
using Redoubt.Abi;

namespace Redoubt.Kernel.Tests.Model;

// Dom0 writing its own memory (a store through its nested table, not a hypercall): how image
// data and initial vCPU states get into the buffers that hypercalls read. The bytes follow from
// the seed, so the kernel and the model see the same ones.
public readonly record struct Dom0Write(ulong Frame, int Offset, Dom0WriteKind Kind, int Seed)
{
    public const int PageSize = 4096;

    public byte[] Bytes()
    {
        var random = new Random(Seed);
        if (Kind == Dom0WriteKind.Random)
        {
            var bytes = new byte[random.Next(1, PageSize - Offset + 1)];
            random.NextBytes(bytes);
            return bytes;
        }
        var raw = new byte[VcpuState.Size];
        random.NextBytes(raw);
        VcpuState state = MemoryMarshal.Read<VcpuState>(raw);
        if (Kind == Dom0WriteKind.VcpuState)
        {
            state.Rip = (ulong)random.NextInt64() & 0x0000_7FFF_FFFF_FFFF;
            state.Rsp = (ulong)random.NextInt64() & 0x0000_7FFF_FFFF_FFF0;
            // Bit 1 is fixed to one; the rest of the valid bits are chosen at random.
            state.Rflags = ((ulong)random.NextInt64() & 0x3F7FD7) | 2;
        }
        byte[] result = MemoryMarshal.AsBytes(new ReadOnlySpan<VcpuState>(in state)).ToArray();
        return result.Length <= PageSize - Offset ? result : result.AsSpan(0, PageSize - Offset).ToArray();
    }

    public override string ToString() =>
        $"Dom0 writes {Kind switch { Dom0WriteKind.VcpuState => "a vCPU state", Dom0WriteKind.Random => "random bytes", _ => "a malformed vCPU state" }} "
        + $"(seed {Seed}) at 0x{Frame * PageSize + (ulong)Offset:X}";
}
