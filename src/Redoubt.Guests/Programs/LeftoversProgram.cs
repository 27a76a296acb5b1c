using Redoubt.Guests.Hardware;
using Redoubt.Guests.Output;

namespace Redoubt.Guests.Programs;

// TestProgram.Leftovers: what the VMCB does not hold must not pass between VMs. At the start
// DR0-DR3 and TSC_AUX (as RDTSCP and RDMSR see it) must be 0, whatever ran on this CPU before;
// then the program sets them to values of its argument and, round after round (an exit, then
// a spin long enough for the timer to switch VMs), checks that they keep them. Returns the
// number of non-zero start values plus mismatching reads (0 = passed).
internal static unsafe class LeftoversProgram
{
    private const uint TscAuxMsr = 0xC000_0103;
    private const int Rounds = 400;
    private const uint SpinsPerRound = 20_000;
    private const ulong MismatchesShown = 4;

    public static uint Run(uint argument)
    {
        // Read, then set at once, before the first console line (whose port writes give the
        // timer a chance to switch): a VM started after this one finds these values set.
        ulong* registers = stackalloc ulong[4];
        Processor.ReadDebugRegisters(registers);
        uint rdtscp = Processor.TscAux();
        ulong msr = Processor.ReadMsr(TscAuxMsr);
        uint aux = 0x7E00_0000 | argument;
        ulong* own = stackalloc ulong[4];
        for (int i = 0; i < 4; i++)
            own[i] = DebugValue(argument, i);
        Processor.WriteDebugRegisters(own);
        Processor.WriteMsr(TscAuxMsr, aux);

        GuestConsole.Line("leftovers: at start dr0="u8).Hex(registers[0]).Text(" dr1="u8).Hex(registers[1]).Text(" dr2="u8).Hex(registers[2])
            .Text(" dr3="u8).Hex(registers[3]).Text(" tsc_aux="u8).Hex(rdtscp).Text(" (msr "u8).Hex(msr).Text(")"u8).End();
        ulong inherited = 0;
        for (int i = 0; i < 4; i++)
            inherited += registers[i] != 0 ? 1UL : 0;
        inherited += (rdtscp != 0 ? 1UL : 0) + (msr != 0 ? 1UL : 0);
        GuestConsole.Line("leftovers: set dr0-dr3 to "u8).Hex(own[0]).Text("... and tsc_aux to "u8).Hex(aux).End();

        ulong mismatches = 0;
        for (int round = 0; round < Rounds; round++)
        {
            Processor.Cpuid(0);
            Processor.Spin(SpinsPerRound);
            Processor.ReadDebugRegisters(registers);
            for (int i = 0; i < 4; i++)
                mismatches += Check(round, "dr"u8, i, own[i], registers[i], mismatches);
            mismatches += Check(round, "tsc_aux by rdtscp"u8, -1, aux, Processor.TscAux(), mismatches);
            mismatches += Check(round, "tsc_aux by rdmsr"u8, -1, aux, Processor.ReadMsr(TscAuxMsr), mismatches);
        }
        GuestConsole.Line("leftovers: "u8).Decimal(inherited).Text(" inherited, "u8).Decimal(Rounds).Text(" rounds, "u8)
            .Decimal(mismatches).Text(" mismatches"u8).End();
        return (uint)(inherited + mismatches);
    }

    // 1 for a mismatch (shown while few), else 0; index -1 when the name has none.
    private static ulong Check(int round, System.ReadOnlySpan<byte> what, int index, ulong expected, ulong got, ulong mismatchesSoFar)
    {
        if (got == expected)
            return 0;
        if (mismatchesSoFar < MismatchesShown)
        {
            ConsoleLine line = GuestConsole.Line("leftovers: round "u8).Decimal((ulong)round).Text(" "u8).Text(what);
            if (index >= 0)
                line = line.Decimal((ulong)index);
            line.Text(": expected "u8).Hex(expected).Text(", got "u8).Hex(got).End();
        }
        return 1;
    }

    // Canonical addresses, distinct per VM and register.
    private static ulong DebugValue(uint argument, int register) => 0x0000_7E00_0000_0000UL | ((ulong)argument << 16) | ((ulong)(register + 1) << 4);
}
