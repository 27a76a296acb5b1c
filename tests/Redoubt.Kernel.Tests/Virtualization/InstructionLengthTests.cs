using System;
using System.Collections.Generic;
using System.Linq;
using Redoubt.Kernel.Virtualization;
using Xunit;

namespace Redoubt.Kernel.Tests.Virtualization;

public class InstructionLengthTests
{
    // Opcodes as the manuals write them, PAUSE with its F3.
    private static readonly Dictionary<ExitInstruction, byte[]> s_encodings = new()
    {
        [ExitInstruction.Cpuid] = [0x0F, 0xA2],
        [ExitInstruction.Rdmsr] = [0x0F, 0x32],
        [ExitInstruction.Wrmsr] = [0x0F, 0x30],
        [ExitInstruction.Vmmcall] = [0x0F, 0x01, 0xD9],
        [ExitInstruction.Hlt] = [0xF4],
        [ExitInstruction.Xsetbv] = [0x0F, 0x01, 0xD1],
        [ExitInstruction.Pause] = [0xF3, 0x90],
        [ExitInstruction.Rdtsc] = [0x0F, 0x31],
        [ExitInstruction.Rdtscp] = [0x0F, 0x01, 0xF9],
        [ExitInstruction.Invd] = [0x0F, 0x08],
        [ExitInstruction.Wbinvd] = [0x0F, 0x09],
    };

    private static readonly byte[] s_legacyPrefixes = [0x66, 0x67, 0xF2, 0xF3, 0xF0, 0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65];

    public static TheoryData<ExitInstruction> Instructions()
    {
        var data = new TheoryData<ExitInstruction>();
        foreach (ExitInstruction instruction in Enum.GetValues<ExitInstruction>())
            data.Add(instruction);
        return data;
    }

    private static byte[] Bytes(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    [Fact]
    public void EveryInstructionHasAnEncodingInTheTest() =>
        Assert.Equal(Enum.GetValues<ExitInstruction>().Length, s_encodings.Count);

    [Theory]
    [MemberData(nameof(Instructions))]
    public void PlainEncodingIsMeasuredInEveryMode(ExitInstruction instruction)
    {
        byte[] encoding = s_encodings[instruction];
        foreach (bool is64Bit in new[] { false, true })
        {
            Assert.Equal(encoding.Length, InstructionLength.Of(encoding, instruction, is64Bit));
            // Whatever follows the instruction does not matter.
            Assert.Equal(encoding.Length, InstructionLength.Of(Bytes(encoding, [0xCC, 0x0F, 0x66]), instruction, is64Bit));
        }
    }

    [Theory]
    [MemberData(nameof(Instructions))]
    public void OtherInstructionsAreNotMistakenForIt(ExitInstruction instruction)
    {
        foreach (var (other, encoding) in s_encodings)
        {
            if (other == instruction)
                continue;
            Assert.Equal(0, InstructionLength.Of(encoding, instruction, longMode: true));
            Assert.Equal(0, InstructionLength.Of(encoding, instruction, longMode: false));
        }
    }

    [Theory]
    [MemberData(nameof(Instructions))]
    public void LegacyPrefixesCount(ExitInstruction instruction)
    {
        byte[] encoding = s_encodings[instruction];
        foreach (byte prefix in s_legacyPrefixes.Where(p => p != 0xF0))
        {
            Assert.Equal(encoding.Length + 1, InstructionLength.Of(Bytes([prefix], encoding), instruction, false));
            Assert.Equal(encoding.Length + 3, InstructionLength.Of(Bytes([prefix, 0x2E, prefix], encoding), instruction, true));
        }
    }

    [Theory]
    [MemberData(nameof(Instructions))]
    public void LockMakesEveryOneOfThemUndefined(ExitInstruction instruction)
    {
        byte[] encoding = s_encodings[instruction];
        Assert.Equal(0, InstructionLength.Of(Bytes([0xF0], encoding), instruction, false));
        Assert.Equal(0, InstructionLength.Of(Bytes([0x66, 0xF0, 0x66], encoding), instruction, true));
    }

    [Theory]
    [MemberData(nameof(Instructions))]
    public void RexCountsOnlyIn64BitModeAndOnlyRightBeforeTheOpcode(ExitInstruction instruction)
    {
        byte[] encoding = s_encodings[instruction];
        // For PAUSE the REX goes between F3 and 90.
        byte[] WithRex(byte rex) => instruction == ExitInstruction.Pause ? [0xF3, rex, 0x90] : Bytes([rex], encoding);

        foreach (byte rex in new byte[] { 0x40, 0x48, 0x4C, 0x4A })   // none with REX.B
        {
            Assert.Equal(encoding.Length + 1, InstructionLength.Of(WithRex(rex), instruction, longMode: true));
            // In 16- and 32-bit code 40-4F are INC and DEC: a different instruction.
            Assert.Equal(0, InstructionLength.Of(WithRex(rex), instruction, longMode: false));
            Assert.Equal(encoding.Length + 3, InstructionLength.Of(Bytes([0x66, 0x65], WithRex(rex)), instruction, longMode: true));
            // A REX followed by a prefix or by another REX is refused.
            Assert.Equal(0, InstructionLength.Of(Bytes([rex, 0x66], encoding), instruction, longMode: true));
            Assert.Equal(0, InstructionLength.Of(Bytes([rex], WithRex(rex)), instruction, longMode: true));
        }
    }

    [Fact]
    public void RexBIsAcceptedExceptOnPause()
    {
        Assert.Equal(3, InstructionLength.Of([0x41, 0x0F, 0xA2], ExitInstruction.Cpuid, true));
        Assert.Equal(4, InstructionLength.Of([0x4F, 0x0F, 0x01, 0xD9], ExitInstruction.Vmmcall, true));
        // F3 41 90 is XCHG r8d, eax with an ignored REP, not PAUSE.
        Assert.Equal(0, InstructionLength.Of([0xF3, 0x41, 0x90], ExitInstruction.Pause, true));
        Assert.Equal(0, InstructionLength.Of([0xF3, 0x49, 0x90], ExitInstruction.Pause, true));
        Assert.Equal(3, InstructionLength.Of([0xF3, 0x48, 0x90], ExitInstruction.Pause, true));
    }

    [Theory]
    [InlineData(new byte[] { 0x90 }, 0)]                      // NOP
    [InlineData(new byte[] { 0xF3 }, 0)]
    [InlineData(new byte[] { 0xF3, 0x90 }, 2)]
    [InlineData(new byte[] { 0xF3, 0xF3, 0x90 }, 3)]
    [InlineData(new byte[] { 0x66, 0xF3, 0x90 }, 3)]
    [InlineData(new byte[] { 0xF3, 0x66, 0x90 }, 0)]          // F3 must be the last prefix
    [InlineData(new byte[] { 0xF3, 0xF2, 0x90 }, 0)]
    [InlineData(new byte[] { 0xF2, 0x90 }, 0)]
    [InlineData(new byte[] { 0x48, 0xF3, 0x90 }, 0)]          // REX before the F3
    public void PauseNeedsItsF3RightBeforeTheOpcode(byte[] bytes, int expected)
    {
        Assert.Equal(expected, InstructionLength.Of(bytes, ExitInstruction.Pause, true));
        Assert.Equal(expected, InstructionLength.Of(bytes, ExitInstruction.Pause, false));
    }

    [Theory]
    [MemberData(nameof(Instructions))]
    public void FifteenBytesAtMost(ExitInstruction instruction)
    {
        byte[] encoding = s_encodings[instruction];
        int room = InstructionLength.MaxLength - encoding.Length;
        byte[] longest = Bytes(Enumerable.Repeat((byte)0x66, room).ToArray(), encoding);
        Assert.Equal(15, InstructionLength.Of(longest, instruction, false));
        Assert.Equal(15, InstructionLength.Of(Bytes(longest, [0x90, 0x90]), instruction, false));
        byte[] tooLong = Bytes([0x2E], longest);
        Assert.Equal(0, InstructionLength.Of(tooLong, instruction, false));
        Assert.Equal(0, InstructionLength.Of(Bytes(tooLong, [0x90]), instruction, true));
        // With a REX in the 15 bytes.
        if (instruction != ExitInstruction.Pause)
        {
            byte[] withRex = Bytes(Enumerable.Repeat((byte)0x67, room - 1).ToArray(), [0x48], encoding);
            Assert.Equal(15, InstructionLength.Of(withRex, instruction, true));
            Assert.Equal(0, InstructionLength.Of(Bytes([0x67], withRex), instruction, true));
        }
    }

    [Theory]
    [MemberData(nameof(Instructions))]
    public void TruncatedBytesAreRefused(ExitInstruction instruction)
    {
        byte[] full = Bytes([0x66, 0x3E], s_encodings[instruction]);
        for (int length = 0; length < full.Length; length++)
        {
            Assert.Equal(0, InstructionLength.Of(full.AsSpan(0, length), instruction, true));
            Assert.Equal(0, InstructionLength.Of(full.AsSpan(0, length), instruction, false));
        }
        Assert.Equal(full.Length, InstructionLength.Of(full, instruction, true));
        Assert.Equal(0, InstructionLength.Of(ReadOnlySpan<byte>.Empty, instruction, true));
        Assert.Equal(0, InstructionLength.Of(Enumerable.Repeat((byte)0x66, 15).ToArray(), instruction, true));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    [InlineData(int.MaxValue)]
    public void UnknownInstructionsMeasureZero(int value)
    {
        foreach (byte[] encoding in s_encodings.Values)
            Assert.Equal(0, InstructionLength.Of(encoding, (ExitInstruction)value, true));
    }

    [Theory]
    [InlineData(new byte[] { 0x0F, 0xA3 })]       // BT
    [InlineData(new byte[] { 0x0F })]
    [InlineData(new byte[] { 0xA2 })]
    [InlineData(new byte[] { 0x0F, 0x0F, 0xA2 })]
    [InlineData(new byte[] { 0xCC, 0x0F, 0xA2 })]
    [InlineData(new byte[] { 0x0F, 0x01, 0xD9 })]
    public void ChangedCodeMeasuresZero(byte[] bytes) =>
        Assert.Equal(0, InstructionLength.Of(bytes, ExitInstruction.Cpuid, true));

    // A reference decoder written differently: try every split into prefixes, REX and opcode.
    private static int Reference(byte[] bytes, ExitInstruction instruction, bool is64Bit)
    {
        byte[] opcode = s_encodings[instruction];
        bool pause = instruction == ExitInstruction.Pause;
        if (pause)
            opcode = [0x90];
        for (int prefixes = 0; prefixes <= 14; prefixes++)
        {
            for (int rex = 0; rex <= (is64Bit ? 1 : 0); rex++)
            {
                int length = prefixes + rex + opcode.Length;
                if (length > 15 || length > bytes.Length)
                    continue;
                if (!bytes.Take(prefixes).All(b => s_legacyPrefixes.Contains(b)) || bytes.Take(prefixes).Contains((byte)0xF0))
                    continue;
                if (prefixes < bytes.Length && s_legacyPrefixes.Contains(bytes[prefixes]))
                    continue;   // the prefixes run on
                if (rex == 1 && (bytes[prefixes] & 0xF0) != 0x40)
                    continue;
                if (rex == 0 && is64Bit && (bytes[prefixes] & 0xF0) == 0x40)
                    continue;
                if (pause && (prefixes == 0 || bytes[prefixes - 1] != 0xF3 || (rex == 1 && (bytes[prefixes] & 1) != 0)))
                    continue;
                if (bytes.Skip(prefixes + rex).Take(opcode.Length).SequenceEqual(opcode))
                    return length;
            }
        }
        return 0;
    }

    [Fact]
    public void RandomBytesMatchTheReferenceAndNeverThrow()
    {
        var random = new Random(5);
        byte[] alphabet = [.. s_legacyPrefixes, 0x40, 0x41, 0x48, 0x4F, 0x0F, 0xA2, 0x32, 0x30, 0x01, 0xD9, 0xF4, 0xD1, 0x90, 0x31, 0xF9, 0x08, 0x09, 0x00, 0xFF];
        ExitInstruction[] instructions = Enum.GetValues<ExitInstruction>();
        int measured = 0;
        for (int round = 0; round < 200_000; round++)
        {
            ExitInstruction instruction = instructions[random.Next(instructions.Length)];
            byte[] bytes;
            if (round % 2 == 0)
            {
                bytes = new byte[random.Next(0, 20)];
                for (int i = 0; i < bytes.Length; i++)
                    bytes[i] = random.Next(4) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            }
            else
            {
                // Near-valid: prefixes, maybe a REX, the encoding, a tail; sometimes one byte off.
                var near = new List<byte>();
                for (int i = random.Next(0, 16); i > 0; i--)
                    near.Add(s_legacyPrefixes[random.Next(s_legacyPrefixes.Length)]);
                if (random.Next(2) == 0)
                    near.Add((byte)(0x40 + random.Next(16)));
                near.AddRange(s_encodings[instructions[random.Next(3) == 0 ? random.Next(instructions.Length) : (int)instruction]]);
                for (int i = random.Next(0, 4); i > 0; i--)
                    near.Add((byte)random.Next(256));
                bytes = near.ToArray();
                if (random.Next(4) == 0)
                    bytes[random.Next(bytes.Length)] = alphabet[random.Next(alphabet.Length)];
            }
            bool is64Bit = random.Next(2) == 0;
            int length = InstructionLength.Of(bytes, instruction, is64Bit);
            Assert.Equal(Reference(bytes, instruction, is64Bit), length);
            // The exit path's inline check never disagrees with the full decoder.
            int unprefixed = InstructionLength.OfUnprefixed(bytes, instruction);
            Assert.True(unprefixed == 0 || unprefixed == length);
            Assert.InRange(length, 0, Math.Min(15, bytes.Length));
            if (length > 0)
                measured++;
        }
        Assert.True(measured > 10_000, $"only {measured} valid encodings generated");
    }
}
