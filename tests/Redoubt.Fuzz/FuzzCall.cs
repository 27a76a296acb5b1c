using System;
using Redoubt.Abi;

namespace Redoubt.Fuzz;

// One hypercall of an input, as README.md lays it out:
//   caller   1 byte: bit 7 set -> the next 2 bytes are the raw domain; else bits 0-2:
//            0-3 Dom0, 4-7 VM 1-4 (VM 3 and 4 never exist: MaxVms is at most 2)
//   number   1 byte: 0x00-0x7F -> Known[byte % Known.Length] (biased: mutations land on real
//            calls); 0x80-0xEF -> the number byte - 0x80 (stable when the ABI grows: what the
//            generator writes); 0xF0-0xFF -> the next 8 bytes, raw
//   arg0-5   six RegisterEncoding values
//   buffer   1 length byte n, then n bytes, written into the caller's own memory before the
//            call at the call's buffer argument (Info: arg0, VmLoad: arg2, others: arg1),
//            page by page where the caller maps it writable
public readonly ref struct FuzzCall
{
    public const int MaxBuffer = byte.MaxValue;
    private const byte SmallNumber = 0x80;
    private const byte RawNumber = 0xF0;

    // Every hypercall the ABI defines, in the order the number byte selects them.
    public static readonly Hypercall[] Known = (Hypercall[])Enum.GetValues(typeof(Hypercall));

    public FuzzCall(ushort caller, HypercallRegisters registers, ReadOnlySpan<byte> buffer)
    {
        Caller = caller;
        Registers = registers;
        Buffer = buffer;
    }

    public ushort Caller { get; }

    public HypercallRegisters Registers { get; }

    public ReadOnlySpan<byte> Buffer { get; }

    public ulong BufferAddress => BufferAddressOf(Registers);

    public static ulong BufferAddressOf(in HypercallRegisters registers) => (Hypercall)registers.Number switch
    {
        Hypercall.Info => registers.Arg0,
        Hypercall.VmLoad => registers.Arg2,
        _ => registers.Arg1,
    };

    public static FuzzCall Read(ref InputReader reader)
    {
        byte callerByte = reader.ReadByte();
        ushort caller = (callerByte & 0x80) != 0 ? reader.ReadUInt16()
            : (callerByte & 7) < 4 ? (ushort)0 : (ushort)((callerByte & 7) - 3);
        byte numberByte = reader.ReadByte();
        ulong number = numberByte < SmallNumber ? (ulong)Known[numberByte % Known.Length]
            : numberByte < RawNumber ? (ulong)(numberByte - SmallNumber) : reader.ReadUInt64();
        var registers = new HypercallRegisters
        {
            Number = number,
            Arg0 = RegisterEncoding.Decode(ref reader),
            Arg1 = RegisterEncoding.Decode(ref reader),
            Arg2 = RegisterEncoding.Decode(ref reader),
            Arg3 = RegisterEncoding.Decode(ref reader),
            Arg4 = RegisterEncoding.Decode(ref reader),
            Arg5 = RegisterEncoding.Decode(ref reader),
        };
        ReadOnlySpan<byte> buffer = reader.ReadBytes(reader.ReadByte());
        return new FuzzCall(caller, registers, buffer);
    }

    // The generator's side of Read.
    public static void Write(InputWriter writer, ushort caller, in HypercallRegisters registers, ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length > MaxBuffer)
            throw new ArgumentException($"a buffer holds at most {MaxBuffer} bytes", nameof(buffer));
        if (caller <= 4)
        {
            writer.Byte(caller == 0 ? (byte)0 : (byte)(caller + 3));
        }
        else
        {
            writer.Byte(0x80);
            writer.UInt16(caller);
        }
        if (registers.Number < RawNumber - SmallNumber)
        {
            writer.Byte((byte)(SmallNumber + registers.Number));
        }
        else
        {
            writer.Byte(RawNumber);
            writer.UInt64(registers.Number);
        }
        RegisterEncoding.Encode(registers.Arg0, writer);
        RegisterEncoding.Encode(registers.Arg1, writer);
        RegisterEncoding.Encode(registers.Arg2, writer);
        RegisterEncoding.Encode(registers.Arg3, writer);
        RegisterEncoding.Encode(registers.Arg4, writer);
        RegisterEncoding.Encode(registers.Arg5, writer);
        writer.Byte((byte)buffer.Length);
        writer.Bytes(buffer);
    }

    // The call without its buffer (BufferText adds that).
    public override string ToString()
    {
        string name = Enum.IsDefined(typeof(Hypercall), Registers.Number) ? ((Hypercall)Registers.Number).ToString() : $"0x{Registers.Number:x}";
        string caller = Caller == 0 ? "Dom0" : $"VM {Caller}";
        return $"{caller} {name}(0x{Registers.Arg0:x}, 0x{Registers.Arg1:x}, 0x{Registers.Arg2:x}, 0x{Registers.Arg3:x}, 0x{Registers.Arg4:x}, 0x{Registers.Arg5:x})";
    }

    public string BufferText() => Buffer.IsEmpty ? "no buffer" : $"{Buffer.Length} buffer bytes at 0x{BufferAddress:x}: {Convert.ToHexString(Buffer)}";
}
