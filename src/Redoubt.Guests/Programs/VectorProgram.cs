using System;
using Redoubt.Guests.Hardware;
using Redoubt.Guests.Output;

namespace Redoubt.Guests.Programs;

// TestProgram.Vector: checks that the hypervisor keeps this VM's vector registers across exits
// and while other VMs run. Each round loads XMM0-15 (YMM0-15, upper halves included, when AVX
// is enabled) with values of the argument, the round, the register and the lane, exits twice,
// spins long enough for the timer to switch VMs, and compares. Returns the number of
// mismatching qwords (0 = passed) and prints the first few.
internal static class VectorProgram
{
    private const int Rounds = 2000;
    private const uint SpinsPerRound = 2000;
    private const ulong MismatchesShown = 4;

    public static uint Run(uint argument)
    {
        bool avx = Processor.AvxEnabled;
        int lanes = avx ? VectorRegisterFile.LanesPerRegister : 2;
        VectorRegisterFile expected = default, observed = default;
        Span<ulong> want = expected, got = observed;
        ulong mismatches = 0;
        for (int round = 0; round < Rounds; round++)
        {
            for (int i = 0; i < want.Length; i++)
                want[i] = ValueOf(argument, round, i);
            got.Clear();
            VectorUnit.Round(ref expected, ref observed, avx, SpinsPerRound);
            for (int register = 0; register < VectorRegisterFile.Registers; register++)
            {
                for (int lane = 0; lane < lanes; lane++)
                {
                    int i = register * VectorRegisterFile.LanesPerRegister + lane;
                    if (got[i] == want[i])
                        continue;
                    if (++mismatches <= MismatchesShown)
                    {
                        GuestConsole.Line("vector: round "u8).Decimal((ulong)round).Text(avx ? " ymm"u8 : " xmm"u8)
                            .Decimal((ulong)register).Text(" lane "u8).Decimal((ulong)lane).Text(": expected "u8)
                            .Hex(want[i]).Text(", got "u8).Hex(got[i]).End();
                    }
                }
            }
        }
        GuestConsole.Line("vector: "u8).Decimal(Rounds).Text(" rounds, "u8).Decimal(mismatches)
            .Text(" mismatches, avx="u8).Decimal(avx ? 1UL : 0UL).End();
        return (uint)Math.Min(mismatches, uint.MaxValue);
    }

    // Distinct per register and lane (slot + 1 repeated in every byte), per round (high 16
    // bits) and per argument, so a value from another register, round or VM shows.
    private static ulong ValueOf(uint argument, int round, int slot) =>
        ((ulong)argument * 0x9E37_79B9_7F4A_7C15UL) ^ ((ulong)(slot + 1) * 0x0101_0101_0101_0101UL) ^ ((ulong)round << 48);
}
