using System;
using System.Collections.Generic;
using System.Linq;
using Iced.Intel;
using Redoubt.Kernel.Virtualization;
using Xunit;
using Xunit.Abstractions;

namespace Redoubt.Kernel.Tests.Virtualization;

public class MmioInstructionTests
{
    private readonly ITestOutputHelper _output;

    public MmioInstructionTests(ITestOutputHelper output) { _output = output; }

    // The code segment the instruction runs in: 64-bit (EFER.LMA, CS.L; CS.D is 0), or a 32- or
    // 16-bit segment (CS.D 1 or 0) in protected or compatibility mode.
    public enum CodeMode { Long, Default32, Default16 }

    private static MmioDecodeStatus Decode(ReadOnlySpan<byte> code, CodeMode mode, out MmioAccess access) =>
        MmioInstruction.Decode(code, mode == CodeMode.Long, mode == CodeMode.Default32, out access);

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static string Repeat(string hexByte, int count) => string.Join(" ", Enumerable.Repeat(hexByte, count));

    // Every accepted form in every mode, with the kind, memory size, register and length.
    public static TheoryData<string, CodeMode, MmioAccessKind, int, int, int> Accepted => new()
    {
        // Linux 6.1, x86-64. native_apic_mem_write: `movl %esi, -0xa03000(%rdi)`, or `xchgl` on
        // parts with the 11AP erratum (patched in by alternatives, same length); inlined with a
        // constant register, an absolute disp32 through a SIB with neither base nor index.
        { "89 B7 00 D0 5F FF", CodeMode.Long, MmioAccessKind.Write, 4, 6, 6 },
        { "87 B7 00 D0 5F FF", CodeMode.Long, MmioAccessKind.Exchange, 4, 6, 6 },
        { "89 02", CodeMode.Long, MmioAccessKind.Write, 4, 0, 2 },                       // mov %eax,(%rdx)
        { "87 02", CodeMode.Long, MmioAccessKind.Exchange, 4, 0, 2 },                    // xchg %eax,(%rdx)
        { "89 04 25 B0 E0 5F FE", CodeMode.Long, MmioAccessKind.Write, 4, 0, 7 },        // mov %eax,0xfffffffffe5fe0b0
        { "87 04 25 B0 E0 5F FE", CodeMode.Long, MmioAccessKind.Exchange, 4, 0, 7 },
        { "44 89 24 25 B0 E0 5F FE", CodeMode.Long, MmioAccessKind.Write, 4, 12, 8 },    // mov %r12d,0xfffffffffe5fe0b0
        // native_apic_mem_read: `mov -0xa03000(%rdi),%eax`, `mov 0xfffffffffe5fe0b0,%eax`.
        { "8B 87 00 D0 5F FF", CodeMode.Long, MmioAccessKind.Read, 4, 0, 6 },
        { "8B 04 25 B0 E0 5F FE", CodeMode.Long, MmioAccessKind.Read, 4, 0, 7 },
        { "8B 05 78 56 34 12", CodeMode.Long, MmioAccessKind.Read, 4, 0, 6 },            // RIP-relative
        { "44 8B 2D 78 56 34 12", CodeMode.Long, MmioAccessKind.Read, 4, 13, 7 },        // RIP-relative into %r13d
        { "8B 14 8D 00 03 5F FE", CodeMode.Long, MmioAccessKind.Read, 4, 2, 7 },         // 0xfe5f0300(,%rcx,4): SIB base 101, mod 00
        { "8B 54 24 08", CodeMode.Long, MmioAccessKind.Read, 4, 2, 4 },                  // 8(%rsp): SIB, disp8
        { "8B 94 24 00 01 00 00", CodeMode.Long, MmioAccessKind.Read, 4, 2, 7 },         // 0x100(%rsp): SIB, disp32
        { "8B 45 F0", CodeMode.Long, MmioAccessKind.Read, 4, 0, 3 },                     // -0x10(%rbp): mod 01 rm 101
        { "41 8B 44 24 20", CodeMode.Long, MmioAccessKind.Read, 4, 0, 5 },               // 0x20(%r12): REX.B, still a SIB
        { "41 8B 45 00", CodeMode.Long, MmioAccessKind.Read, 4, 0, 4 },                  // 0(%r13): REX.B, still disp8
        { "41 8B 04 24", CodeMode.Long, MmioAccessKind.Read, 4, 0, 4 },                  // (%r12)
        { "42 8B 04 25 B0 E0 5F FE", CodeMode.Long, MmioAccessKind.Read, 4, 0, 8 },      // REX.X: index r12, base none
        { "4F 8B 54 E5 7F", CodeMode.Long, MmioAccessKind.Read, 8, 10, 5 },              // REX.WRXB
        { "48 89 02", CodeMode.Long, MmioAccessKind.Write, 8, 0, 3 },
        { "48 8B 02", CodeMode.Long, MmioAccessKind.Read, 8, 0, 3 },
        { "4C 87 3A", CodeMode.Long, MmioAccessKind.Exchange, 8, 15, 3 },
        { "66 89 02", CodeMode.Long, MmioAccessKind.Write, 2, 0, 3 },
        { "66 48 89 02", CodeMode.Long, MmioAccessKind.Write, 8, 0, 4 },                 // REX.W wins over 66
        { "66 44 8B 0A", CodeMode.Long, MmioAccessKind.Read, 2, 9, 4 },
        { "88 02", CodeMode.Long, MmioAccessKind.Write, 1, 0, 2 },
        { "66 48 88 0A", CodeMode.Long, MmioAccessKind.Write, 1, 1, 4 },                 // 66 and REX.W do nothing to a byte
        { "8A 0A", CodeMode.Long, MmioAccessKind.Read, 1, 1, 2 },
        { "86 0A", CodeMode.Long, MmioAccessKind.Exchange, 1, 1, 2 },
        { "C6 02 7F", CodeMode.Long, MmioAccessKind.WriteImmediate, 1, 0, 3 },
        { "C7 02 00 00 00 80", CodeMode.Long, MmioAccessKind.WriteImmediate, 4, 0, 6 },
        { "48 C7 02 00 00 00 80", CodeMode.Long, MmioAccessKind.WriteImmediate, 8, 0, 7 },
        { "66 C7 02 34 12", CodeMode.Long, MmioAccessKind.WriteImmediate, 2, 0, 5 },
        { "C7 04 25 B0 E0 5F FE 00 00 00 00", CodeMode.Long, MmioAccessKind.WriteImmediate, 4, 0, 11 },
        { "C7 05 78 56 34 12 01 00 00 00", CodeMode.Long, MmioAccessKind.WriteImmediate, 4, 0, 10 },   // RIP-relative
        { "C7 84 8A 00 01 00 00 01 00 00 00", CodeMode.Long, MmioAccessKind.WriteImmediate, 4, 0, 11 },
        { "0F B6 02", CodeMode.Long, MmioAccessKind.Read, 1, 0, 3 },
        { "0F B7 02", CodeMode.Long, MmioAccessKind.Read, 2, 0, 3 },
        { "48 0F B7 04 25 B0 E0 5F FE", CodeMode.Long, MmioAccessKind.Read, 2, 0, 9 },
        { "44 0F B6 42 01", CodeMode.Long, MmioAccessKind.Read, 1, 8, 5 },
        { "A1 B0 E0 5F FE FF FF FF FF", CodeMode.Long, MmioAccessKind.Read, 4, 0, 9 },   // movabs: a 64-bit offset
        { "48 A3 B0 E0 5F FE FF FF FF FF", CodeMode.Long, MmioAccessKind.Write, 8, 0, 10 },
        { "A0 B0 E0 5F FE FF FF FF FF", CodeMode.Long, MmioAccessKind.Read, 1, 0, 9 },
        { "67 A1 B0 E0 5F FE", CodeMode.Long, MmioAccessKind.Read, 4, 0, 6 },            // 67: a 32-bit offset
        { "67 8B 00", CodeMode.Long, MmioAccessKind.Read, 4, 0, 3 },                     // (%eax)
        { "67 8B 04 25 B0 E0 5F FE", CodeMode.Long, MmioAccessKind.Read, 4, 0, 8 },      // 67 keeps the SIB
        { "2E 3E 26 36 64 65 8B 02", CodeMode.Long, MmioAccessKind.Read, 4, 0, 8 },      // segment overrides
        { "65 48 8B 04 25 28 00 00 00", CodeMode.Long, MmioAccessKind.Read, 8, 0, 9 },

        // Linux, i386: `mov %eax,0xfffff0b0` is A3, `mov 0xfffff020,%eax` A1; other registers
        // and bases take ModRM with a disp32.
        { "A3 B0 F0 FF FF", CodeMode.Default32, MmioAccessKind.Write, 4, 0, 5 },
        { "A1 20 F0 FF FF", CodeMode.Default32, MmioAccessKind.Read, 4, 0, 5 },
        { "A2 20 F0 FF FF", CodeMode.Default32, MmioAccessKind.Write, 1, 0, 5 },
        { "66 A1 20 F0 FF FF", CodeMode.Default32, MmioAccessKind.Read, 2, 0, 6 },
        { "89 15 B0 F0 FF FF", CodeMode.Default32, MmioAccessKind.Write, 4, 2, 6 },      // mod 00 rm 101: absolute disp32
        { "87 15 B0 F0 FF FF", CodeMode.Default32, MmioAccessKind.Exchange, 4, 2, 6 },
        { "8B 82 00 F3 FF FF", CodeMode.Default32, MmioAccessKind.Read, 4, 0, 6 },
        { "8B 04 8D 00 F3 FF FF", CodeMode.Default32, MmioAccessKind.Read, 4, 0, 7 },
        { "66 89 02", CodeMode.Default32, MmioAccessKind.Write, 2, 0, 3 },
        { "C7 05 B0 F0 FF FF 00 00 00 00", CodeMode.Default32, MmioAccessKind.WriteImmediate, 4, 0, 10 },
        { "0F B7 42 02", CodeMode.Default32, MmioAccessKind.Read, 2, 0, 4 },
        // 67 in a 32-bit segment: 16-bit addressing, no SIB.
        { "67 8B 07", CodeMode.Default32, MmioAccessKind.Read, 4, 0, 3 },                // [bx]
        { "67 8B 04", CodeMode.Default32, MmioAccessKind.Read, 4, 0, 3 },                // [si], not a SIB
        { "67 8B 06 34 12", CodeMode.Default32, MmioAccessKind.Read, 4, 0, 5 },          // [disp16]
        { "67 8B 47 10", CodeMode.Default32, MmioAccessKind.Read, 4, 0, 4 },             // [bx+disp8]
        { "67 8B 87 34 12", CodeMode.Default32, MmioAccessKind.Read, 4, 0, 5 },          // [bx+disp16]
        { "67 8B 45 00", CodeMode.Default32, MmioAccessKind.Read, 4, 0, 4 },             // [di+0], not disp32
        { "67 A1 34 12", CodeMode.Default32, MmioAccessKind.Read, 4, 0, 4 },
        { "67 C7 06 34 12 78 56 34 12", CodeMode.Default32, MmioAccessKind.WriteImmediate, 4, 0, 9 },

        // A 16-bit segment: 16-bit operands and addressing unless 66 and 67 say otherwise.
        { "8B 07", CodeMode.Default16, MmioAccessKind.Read, 2, 0, 2 },
        { "66 8B 07", CodeMode.Default16, MmioAccessKind.Read, 4, 0, 3 },
        { "8B 06 34 12", CodeMode.Default16, MmioAccessKind.Read, 2, 0, 4 },
        { "89 1C", CodeMode.Default16, MmioAccessKind.Write, 2, 3, 2 },                  // [si]
        { "67 8B 04 25 78 56 34 12", CodeMode.Default16, MmioAccessKind.Read, 2, 0, 8 }, // 32-bit addressing: SIB
        { "67 66 8B 05 78 56 34 12", CodeMode.Default16, MmioAccessKind.Read, 4, 0, 8 },
        { "C7 06 34 12 CD AB", CodeMode.Default16, MmioAccessKind.WriteImmediate, 2, 0, 6 },
        { "66 C7 06 34 12 78 56 34 12", CodeMode.Default16, MmioAccessKind.WriteImmediate, 4, 0, 9 },
        { "A1 34 12", CodeMode.Default16, MmioAccessKind.Read, 2, 0, 3 },
        { "66 A3 34 12", CodeMode.Default16, MmioAccessKind.Write, 4, 0, 4 },
        { "67 A1 78 56 34 12", CodeMode.Default16, MmioAccessKind.Read, 2, 0, 6 },
        { "87 47 02", CodeMode.Default16, MmioAccessKind.Exchange, 2, 0, 3 },
        { "0F B6 07", CodeMode.Default16, MmioAccessKind.Read, 1, 0, 3 },

        // Exactly 15 bytes.
        { Repeat("66", 8) + " 89 04 25 B0 E0 5F FE", CodeMode.Long, MmioAccessKind.Write, 2, 0, 15 },
        { Repeat("3E", 3) + " 48 C7 84 24 00 01 00 00 01 00 00 00", CodeMode.Long, MmioAccessKind.WriteImmediate, 8, 0, 15 },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void AcceptedFormsDecode(string hex, CodeMode mode, MmioAccessKind kind, int size, int register, int length)
    {
        byte[] code = Hex(hex);
        Assert.Equal(MmioDecodeStatus.Success, Decode(code, mode, out MmioAccess access));
        Assert.Equal(kind, access.Kind);
        Assert.Equal(size, access.Size);
        Assert.Equal(register, access.Register);
        Assert.Equal(length, access.Length);
        // Whatever follows the instruction does not matter, up to a whole fetch and past it.
        byte[] followed = [.. code, 0xF0, 0x0F, 0x66, 0xCC, 0x89, 0x04, 0x25, 0xFF, 0x48, 0xC7, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05];
        Assert.Equal(MmioDecodeStatus.Success, Decode(followed, mode, out MmioAccess again));
        Assert.Equal(access, again);
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public void TruncatedAtEveryByteBoundary(string hex, CodeMode mode, MmioAccessKind kind, int size, int register, int length)
    {
        _ = (kind, size, register);
        byte[] code = Hex(hex);
        for (int cut = 0; cut < length; cut++)
        {
            Assert.Equal(MmioDecodeStatus.Truncated, Decode(code.AsSpan(0, cut), mode, out MmioAccess access));
            Assert.Equal(default, access);
        }
    }

    [Fact]
    public void LongModeIgnoresCsD()
    {
        foreach (string hex in new[] { "89 02", "66 89 02", "67 8B 04 25 B0 E0 5F FE", "C7 02 00 00 00 80", "A1 B0 E0 5F FE FF FF FF FF" })
        {
            byte[] code = Hex(hex);
            Assert.Equal(MmioDecodeStatus.Success, MmioInstruction.Decode(code, true, false, out MmioAccess clear));
            Assert.Equal(MmioDecodeStatus.Success, MmioInstruction.Decode(code, true, true, out MmioAccess set));
            Assert.Equal(clear, set);
        }
    }

    [Theory]
    [InlineData("8A 22", CodeMode.Long, 0, true)]             // AH
    [InlineData("88 2A", CodeMode.Long, 1, true)]             // CH
    [InlineData("86 32", CodeMode.Long, 2, true)]             // DH
    [InlineData("8A 3A", CodeMode.Long, 3, true)]             // BH
    [InlineData("88 27", CodeMode.Default16, 0, true)]
    [InlineData("8A 3D B0 F0 FF FF", CodeMode.Default32, 3, true)]
    [InlineData("40 8A 22", CodeMode.Long, 4, false)]         // any REX: SPL BPL SIL DIL
    [InlineData("40 86 3A", CodeMode.Long, 7, false)]
    [InlineData("48 88 22", CodeMode.Long, 4, false)]
    [InlineData("44 8A 22", CodeMode.Long, 12, false)]        // R12B
    [InlineData("8A 1A", CodeMode.Long, 3, false)]            // BL
    [InlineData("8B 22", CodeMode.Long, 4, false)]            // ESP: not a byte form
    [InlineData("0F B6 22", CodeMode.Long, 4, false)]         // movzx into ESP
    public void ByteRegisters4To7WithoutRexAreTheHighBytes(string hex, CodeMode mode, int register, bool highByte)
    {
        Assert.Equal(MmioDecodeStatus.Success, Decode(Hex(hex), mode, out MmioAccess access));
        Assert.Equal(register, access.Register);
        Assert.Equal(highByte, access.HighByte);
    }

    [Theory]
    [InlineData("0F B6 02", CodeMode.Long, 1, 4)]
    [InlineData("0F B7 02", CodeMode.Long, 2, 4)]
    [InlineData("66 0F B6 02", CodeMode.Long, 1, 2)]
    [InlineData("66 0F B7 02", CodeMode.Long, 2, 2)]
    [InlineData("48 0F B6 02", CodeMode.Long, 1, 8)]
    [InlineData("66 48 0F B7 02", CodeMode.Long, 2, 8)]
    [InlineData("0F B6 07", CodeMode.Default16, 1, 2)]
    [InlineData("66 0F B7 07", CodeMode.Default16, 2, 4)]
    [InlineData("0F B7 42 02", CodeMode.Default32, 2, 4)]
    public void MovzxReadsSizeBytesIntoAWiderRegister(string hex, CodeMode mode, int size, int registerSize)
    {
        Assert.Equal(MmioDecodeStatus.Success, Decode(Hex(hex), mode, out MmioAccess access));
        Assert.Equal(MmioAccessKind.Read, access.Kind);
        Assert.True(access.ZeroExtend);
        Assert.Equal(size, access.Size);
        Assert.Equal(registerSize, access.RegisterSize);
    }

    [Theory]
    [InlineData("89 02", CodeMode.Long)]
    [InlineData("48 8B 02", CodeMode.Long)]
    [InlineData("86 22", CodeMode.Long)]
    [InlineData("66 87 02", CodeMode.Default32)]
    [InlineData("A1 34 12", CodeMode.Default16)]
    public void OtherFormsUseTheRegisterWhole(string hex, CodeMode mode)
    {
        Assert.Equal(MmioDecodeStatus.Success, Decode(Hex(hex), mode, out MmioAccess access));
        Assert.False(access.ZeroExtend);
        Assert.Equal(access.Size, access.RegisterSize);
        Assert.Equal(0UL, access.Immediate);
    }

    [Theory]
    [InlineData("C6 02 7F", CodeMode.Long, 1, 0x7FUL)]
    [InlineData("C6 02 80", CodeMode.Long, 1, 0x80UL)]
    [InlineData("48 C6 02 80", CodeMode.Long, 1, 0x80UL)]                    // REX.W does not widen a byte
    [InlineData("66 C7 02 34 12", CodeMode.Long, 2, 0x1234UL)]
    [InlineData("66 C7 02 FF FF", CodeMode.Long, 2, 0xFFFFUL)]
    [InlineData("C7 02 00 00 00 80", CodeMode.Long, 4, 0x8000_0000UL)]
    [InlineData("48 C7 02 00 00 00 80", CodeMode.Long, 8, 0xFFFF_FFFF_8000_0000UL)]  // imm32 sign-extended
    [InlineData("48 C7 02 FF FF FF 7F", CodeMode.Long, 8, 0x7FFF_FFFFUL)]
    [InlineData("66 48 C7 02 00 00 00 80", CodeMode.Long, 8, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("C7 06 34 12 CD AB", CodeMode.Default16, 2, 0xABCDUL)]
    [InlineData("66 C7 06 34 12 78 56 34 12", CodeMode.Default16, 4, 0x1234_5678UL)]
    [InlineData("C7 05 B0 F0 FF FF EF BE AD DE", CodeMode.Default32, 4, 0xDEAD_BEEFUL)]
    public void ImmediatesAreExtendedToTheStoreSize(string hex, CodeMode mode, int size, ulong immediate)
    {
        Assert.Equal(MmioDecodeStatus.Success, Decode(Hex(hex), mode, out MmioAccess access));
        Assert.Equal(MmioAccessKind.WriteImmediate, access.Kind);
        Assert.Equal(size, access.Size);
        Assert.Equal(immediate, access.Immediate);
        Assert.Equal(0, access.Register);
        Assert.Equal(0, access.RegisterSize);
    }

    [Theory]
    [InlineData("F0 89 02", CodeMode.Long, MmioDecodeStatus.LockPrefix)]
    [InlineData("F0 87 02", CodeMode.Long, MmioDecodeStatus.LockPrefix)]      // valid, and still refused
    [InlineData("66 F0 87 02", CodeMode.Default32, MmioDecodeStatus.LockPrefix)]
    [InlineData("F0 48 C7 02 00 00 00 00", CodeMode.Long, MmioDecodeStatus.LockPrefix)]
    [InlineData("F0", CodeMode.Long, MmioDecodeStatus.LockPrefix)]
    [InlineData("F3 89 02", CodeMode.Long, MmioDecodeStatus.RepeatPrefix)]    // XRELEASE MOV
    [InlineData("F2 87 02", CodeMode.Long, MmioDecodeStatus.RepeatPrefix)]    // XACQUIRE XCHG
    [InlineData("F3 0F B6 02", CodeMode.Default32, MmioDecodeStatus.RepeatPrefix)]
    [InlineData("F3 A5", CodeMode.Default32, MmioDecodeStatus.RepeatPrefix)]  // REP MOVSD
    [InlineData("F2 F0 87 02", CodeMode.Long, MmioDecodeStatus.LockPrefix)]
    [InlineData("48 66 89 02", CodeMode.Long, MmioDecodeStatus.MisplacedRex)]
    [InlineData("48 48 89 02", CodeMode.Long, MmioDecodeStatus.MisplacedRex)]
    [InlineData("41 F0 89 02", CodeMode.Long, MmioDecodeStatus.MisplacedRex)]
    [InlineData("89 C2", CodeMode.Long, MmioDecodeStatus.RegisterOperand)]
    [InlineData("8B C0", CodeMode.Default32, MmioDecodeStatus.RegisterOperand)]
    [InlineData("48 87 C8", CodeMode.Long, MmioDecodeStatus.RegisterOperand)]
    [InlineData("86 E0", CodeMode.Default16, MmioDecodeStatus.RegisterOperand)]
    [InlineData("C7 C0 01 00 00 00", CodeMode.Long, MmioDecodeStatus.RegisterOperand)]
    [InlineData("C6 C0", CodeMode.Long, MmioDecodeStatus.RegisterOperand)]
    [InlineData("0F B6 C0", CodeMode.Long, MmioDecodeStatus.RegisterOperand)]
    [InlineData("C7 08 00 00 00 00", CodeMode.Long, MmioDecodeStatus.Unsupported)]   // C7 /1
    [InlineData("C6 F8 00", CodeMode.Long, MmioDecodeStatus.Unsupported)]            // XABORT
    [InlineData("C7 F8 00 00 00 00", CodeMode.Long, MmioDecodeStatus.Unsupported)]   // XBEGIN
    [InlineData("8D 02", CodeMode.Long, MmioDecodeStatus.Unsupported)]               // LEA
    [InlineData("8C 02", CodeMode.Long, MmioDecodeStatus.Unsupported)]               // MOV m, Sreg
    [InlineData("A4", CodeMode.Long, MmioDecodeStatus.Unsupported)]                  // MOVSB
    [InlineData("01 02", CodeMode.Long, MmioDecodeStatus.Unsupported)]               // ADD
    [InlineData("85 02", CodeMode.Long, MmioDecodeStatus.Unsupported)]               // TEST
    [InlineData("F7 02 00 10 00 00", CodeMode.Long, MmioDecodeStatus.Unsupported)]   // TEST imm
    [InlineData("0F BE 02", CodeMode.Long, MmioDecodeStatus.Unsupported)]            // MOVSX
    [InlineData("0F B8 02", CodeMode.Long, MmioDecodeStatus.Unsupported)]
    [InlineData("0F 0F", CodeMode.Long, MmioDecodeStatus.Unsupported)]
    [InlineData("C5 F9 6E 02", CodeMode.Long, MmioDecodeStatus.Unsupported)]         // VEX VMOVD
    [InlineData("48 89 02", CodeMode.Default32, MmioDecodeStatus.Unsupported)]       // 48 is DEC EAX here
    [InlineData("40 8B 02", CodeMode.Default16, MmioDecodeStatus.Unsupported)]
    [InlineData("90", CodeMode.Long, MmioDecodeStatus.Unsupported)]
    [InlineData("", CodeMode.Long, MmioDecodeStatus.Truncated)]
    [InlineData("66", CodeMode.Long, MmioDecodeStatus.Truncated)]
    [InlineData("48", CodeMode.Long, MmioDecodeStatus.Truncated)]
    [InlineData("0F", CodeMode.Default32, MmioDecodeStatus.Truncated)]
    public void RefusedWithAReason(string hex, CodeMode mode, MmioDecodeStatus status)
    {
        Assert.Equal(status, Decode(Hex(hex), mode, out MmioAccess access));
        Assert.Equal(default, access);
    }

    [Theory]
    [InlineData(14, "89 02", 16)]                          // the ModRM is the 16th byte
    [InlineData(15, "89 02", 17)]                          // so is the opcode
    [InlineData(11, "89 04 25 B0 E0 5F FE", 18)]
    [InlineData(5, "48 C7 84 24 00 01 00 00 01 00 00 00", 17)]
    [InlineData(7, "A1 B0 E0 5F FE FF FF FF FF", 16)]
    [InlineData(20, "89 02", 22)]
    public void MoreThan15BytesIsTooLong(int prefixes, string instruction, int length)
    {
        byte[] code = Hex(Repeat("66", prefixes) + " " + instruction);
        Assert.Equal(length, code.Length);
        Assert.Equal(MmioDecodeStatus.TooLong, Decode(code, CodeMode.Long, out MmioAccess access));
        Assert.Equal(default, access);
        // Given only its first 15 bytes, or fewer where the rest could not fit anyway.
        Assert.Equal(MmioDecodeStatus.TooLong, Decode(code.AsSpan(0, 15), CodeMode.Long, out _));
        if (prefixes < 14)
            Assert.Equal(MmioDecodeStatus.TooLong, Decode(code.AsSpan(0, 14), CodeMode.Long, out _));
    }

    // ---- Differential test against Iced --------------------------------------------------------

    private static readonly HashSet<Code> s_acceptedCodes =
    [
        Code.Mov_rm8_r8, Code.Mov_rm16_r16, Code.Mov_rm32_r32, Code.Mov_rm64_r64,
        Code.Mov_r8_rm8, Code.Mov_r16_rm16, Code.Mov_r32_rm32, Code.Mov_r64_rm64,
        Code.Mov_rm8_imm8, Code.Mov_rm16_imm16, Code.Mov_rm32_imm32, Code.Mov_rm64_imm32,
        Code.Xchg_rm8_r8, Code.Xchg_rm16_r16, Code.Xchg_rm32_r32, Code.Xchg_rm64_r64,
        Code.Movzx_r16_rm8, Code.Movzx_r32_rm8, Code.Movzx_r64_rm8,
        Code.Movzx_r16_rm16, Code.Movzx_r32_rm16, Code.Movzx_r64_rm16,
        Code.Mov_AL_moffs8, Code.Mov_AX_moffs16, Code.Mov_EAX_moffs32, Code.Mov_RAX_moffs64,
        Code.Mov_moffs8_AL, Code.Mov_moffs16_AX, Code.Mov_moffs32_EAX, Code.Mov_moffs64_RAX,
    ];

    private static readonly byte[] s_segmentAndSizePrefixes = [0x66, 0x67, 0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65];
    private static readonly byte[] s_refusedPrefixes = [0xF0, 0xF2, 0xF3];
    private static readonly byte[][] s_opcodes =
    [
        [0x88], [0x89], [0x8A], [0x8B], [0xC6], [0xC7], [0x86], [0x87],
        [0x0F, 0xB6], [0x0F, 0xB7], [0xA0], [0xA1], [0xA2], [0xA3],
    ];

    private static bool IsLegacyPrefix(byte b) => s_segmentAndSizePrefixes.Contains(b) || s_refusedPrefixes.Contains(b);

    // What the prefix run (legacy prefixes and REX, up to the opcode) holds, read independently.
    private static (bool refusedPrefix, bool misplacedRex) ScanPrefixes(byte[] code, bool longMode)
    {
        bool refused = false, misplaced = false;
        for (int i = 0; i < code.Length; i++)
        {
            bool rex = longMode && (code[i] & 0xF0) == 0x40;
            if (!rex && !IsLegacyPrefix(code[i]))
                break;
            refused |= s_refusedPrefixes.Contains(code[i]);
            misplaced |= rex && i + 1 < code.Length && (IsLegacyPrefix(code[i + 1]) || (code[i + 1] & 0xF0) == 0x40);
        }
        return (refused, misplaced);
    }

    // Mostly near-valid encodings: prefixes, maybe a REX, an accepted opcode (or not), random
    // ModRM, SIB, displacement and immediate bytes; sometimes cut short.
    private static byte[] Generate(Random random, bool longMode)
    {
        var code = new List<byte>(24);
        int prefixes = random.Next(10) switch { < 4 => 0, < 7 => 1, < 9 => 2, _ => random.Next(3, 15) };
        for (int i = 0; i < prefixes; i++)
            code.Add(random.Next(12) == 0 ? s_refusedPrefixes[random.Next(3)] : s_segmentAndSizePrefixes[random.Next(8)]);
        if (random.Next(longMode ? 2 : 8) == 0)
        {
            code.Add((byte)(0x40 | random.Next(16)));
            if (random.Next(20) == 0)
                code.Add(random.Next(2) == 0 ? (byte)(0x40 | random.Next(16)) : s_segmentAndSizePrefixes[random.Next(8)]);
        }
        switch (random.Next(20))
        {
            case 0: code.Add((byte)random.Next(256)); break;
            case 1: code.Add(0x0F); code.Add((byte)random.Next(256)); break;
            default: code.AddRange(s_opcodes[random.Next(s_opcodes.Length)]); break;
        }
        // ModRM: mod 3 a quarter of the time, reg 0 half the time (for C6/C7).
        byte modRm = (byte)random.Next(256);
        if (random.Next(2) == 0)
            modRm &= 0xC7;
        code.Add(modRm);
        for (int i = random.Next(4, 14); i > 0; i--)
            code.Add((byte)random.Next(256));
        byte[] bytes = code.ToArray();
        return random.Next(6) == 0 ? bytes.AsSpan(0, random.Next(bytes.Length + 1)).ToArray() : bytes;
    }

    // Whether a successful decode says what Iced says about the same bytes.
    private static bool AgreesWithIced(MmioAccess access, Instruction instruction)
    {
        if (!s_acceptedCodes.Contains(instruction.Code) || instruction.Length != access.Length
            || instruction.MemorySize.GetSize() != access.Size)
            return false;
        int memoryOperand = instruction.Op0Kind == OpKind.Memory ? 0 : 1;
        MmioAccessKind kind = instruction.Mnemonic switch
        {
            Mnemonic.Xchg => MmioAccessKind.Exchange,
            Mnemonic.Movzx => MmioAccessKind.Read,
            _ when memoryOperand == 1 => MmioAccessKind.Read,
            _ when instruction.Op1Kind == OpKind.Register => MmioAccessKind.Write,
            _ => MmioAccessKind.WriteImmediate,
        };
        if (kind != access.Kind || (instruction.Mnemonic == Mnemonic.Movzx) != access.ZeroExtend)
            return false;
        if (kind == MmioAccessKind.WriteImmediate)
            return instruction.GetImmediate(1) == access.Immediate && access.Register == 0 && access.RegisterSize == 0 && !access.HighByte;
        Register register = instruction.GetOpRegister(1 - memoryOperand);
        bool highByte = register is Register.AH or Register.CH or Register.DH or Register.BH;
        return highByte == access.HighByte
            && register.GetFullRegister().GetNumber() == access.Register
            && register.GetSize() == access.RegisterSize
            && access.Immediate == 0;
    }

    [Fact]
    public void RandomEncodingsAgreeWithIced()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var random = new Random(0x4D4D494F);
        CodeMode[] modes = [CodeMode.Long, CodeMode.Default32, CodeMode.Default16];
        var counts = new Dictionary<MmioDecodeStatus, int>();
        int icedAccepted = 0;
        const int Rounds = 250_000;
        for (int round = 0; round < Rounds; round++)
        {
            CodeMode mode = modes[random.Next(modes.Length)];
            bool longMode = mode == CodeMode.Long;
            byte[] code = Generate(random, longMode);
            MmioDecodeStatus status = Decode(code, mode, out MmioAccess access);
            counts[status] = counts.GetValueOrDefault(status) + 1;

            var decoder = Iced.Intel.Decoder.Create(longMode ? 64 : mode == CodeMode.Default32 ? 32 : 16, new ByteArrayCodeReader(code));
            decoder.Decode(out Instruction instruction);
            bool icedValid = instruction.Code != Code.INVALID;
            bool icedMemory = icedValid && (instruction.Op0Kind == OpKind.Memory || instruction.Op1Kind == OpKind.Memory);
            bool icedForm = icedValid && s_acceptedCodes.Contains(instruction.Code);
            var (refusedPrefix, misplacedRex) = ScanPrefixes(code, longMode);
            void Expect(bool condition)
            {
                if (!condition)
                    Assert.Fail($"{mode} {Convert.ToHexString(code)}: {status} {access.Kind} size {access.Size} register {access.Register}"
                        + $" ({access.RegisterSize}{(access.HighByte ? " high" : "")}) immediate {access.Immediate:X} length {access.Length};"
                        + $" Iced {instruction.Code} {decoder.LastError} length {instruction.Length} \"{instruction}\"");
            }

            switch (status)
            {
                case MmioDecodeStatus.Success:
                    Expect(icedValid && icedMemory && AgreesWithIced(access, instruction) && !refusedPrefix && !misplacedRex);
                    break;
                case MmioDecodeStatus.Truncated:
                    Expect(decoder.LastError == DecoderError.NoMoreBytes);
                    break;
                case MmioDecodeStatus.TooLong:
                    Expect(!icedValid);
                    break;
                case MmioDecodeStatus.LockPrefix:
                case MmioDecodeStatus.RepeatPrefix:
                    Expect(refusedPrefix);
                    break;
                case MmioDecodeStatus.MisplacedRex:
                    Expect(misplacedRex);
                    break;
                case MmioDecodeStatus.RegisterOperand:
                    Expect(!icedMemory);
                    break;
                case MmioDecodeStatus.Unsupported:
                    Expect(!(icedForm && icedMemory));
                    break;
            }
            Expect(default(MmioAccess).Equals(access) == (status != MmioDecodeStatus.Success));

            // The other direction: every accepted form Iced finds is decoded, unless a prefix
            // Decode refuses on purpose is there.
            if (icedForm && !refusedPrefix && !misplacedRex)
            {
                icedAccepted++;
                Expect(status == (icedMemory ? MmioDecodeStatus.Success : MmioDecodeStatus.RegisterOperand));
            }
        }
        string summary = string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"));
        _output.WriteLine($"{Rounds} encodings in {clock.Elapsed.TotalSeconds:F1} s; Iced found {icedAccepted} accepted forms without a refused prefix; {summary}");
        Assert.True(counts.GetValueOrDefault(MmioDecodeStatus.Success) > Rounds / 4, summary);
        Assert.True(icedAccepted > Rounds / 3, $"Iced accepted {icedAccepted}; {summary}");
        foreach (MmioDecodeStatus status in Enum.GetValues<MmioDecodeStatus>())
            Assert.True(counts.GetValueOrDefault(status) > 100, $"{status} rarely generated: {summary}");
    }
}
