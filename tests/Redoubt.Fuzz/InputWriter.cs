using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Redoubt.Abi;

namespace Redoubt.Fuzz;

// Builds inputs in the format FuzzTarget.Run decodes (the seed corpus and the structured
// random inputs of the tests are written with it).
public sealed class InputWriter
{
    private readonly List<byte> _bytes = new();

    public InputWriter(byte shape = MachineShape.Default) { _bytes.Add(shape); }

    public InputWriter Call(ushort caller, Hypercall call, ulong arg0 = 0, ulong arg1 = 0, ulong arg2 = 0,
        ulong arg3 = 0, ulong arg4 = 0, ulong arg5 = 0) =>
        CallWithBuffer(caller, call, default, arg0, arg1, arg2, arg3, arg4, arg5);

    public InputWriter CallWithBuffer(ushort caller, Hypercall call, ReadOnlySpan<byte> buffer, ulong arg0 = 0,
        ulong arg1 = 0, ulong arg2 = 0, ulong arg3 = 0, ulong arg4 = 0, ulong arg5 = 0)
    {
        FuzzCall.Write(this, caller, HypercallRegisters.Of(call, arg0, arg1, arg2, arg3, arg4, arg5), buffer);
        return this;
    }

    public void Byte(byte value) => _bytes.Add(value);

    public void UInt16(ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        Bytes(bytes);
    }

    public void UInt64(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        Bytes(bytes);
    }

    public void Bytes(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
            _bytes.Add(b);
    }

    public byte[] ToArray() => _bytes.ToArray();
}
