using System.Runtime.InteropServices;
using Redoubt.Abi;
using Redoubt.Guests.Hardware;
using Redoubt.Guests.Output;
using Redoubt.Guests.Programs;

namespace Redoubt.Guests;

// The kit's managed entry: Boot/entry.asm calls it in 64-bit mode once the corlib's start-up
// has run, with the registers the launcher set (EDI, ESI, EDX). What it returns is written to
// TestPort.Done: 0 = passed, otherwise the program's failure code (README.md lists them).
internal static class TestKit
{
    // Done codes of the kit itself, for a launch it cannot run.
    private const uint UnknownProgram = 0xD000_0000;    // | the program number's low 16 bits
    private const uint RamBelowImage = 0xD100_0000;

    [UnmanagedCallersOnly(EntryPoint = "RedoubtGuestMain")]
    private static uint Main(uint program, ulong ramBytes, uint argument)
    {
        if (ramBytes < PhysicalMemory.ImageEnd)
        {
            GuestConsole.Line("testkit: RAM of "u8).Hex(ramBytes).Text(" bytes ends inside the image"u8).End();
            return RamBelowImage;
        }
        return (TestProgram)program switch
        {
            TestProgram.Hello => HelloProgram.Run(),
            TestProgram.Secret => SecretProgram.Run(ramBytes, argument),
            TestProgram.Scan => ScanProgram.Run(ramBytes, argument),
            TestProgram.Vector => VectorProgram.Run(argument),
            TestProgram.Spin => SpinProgram.Run(),
            TestProgram.Count => CountProgram.Run(argument),
            TestProgram.GarbageHypercall => GarbageHypercallProgram.Run(),
            TestProgram.ManyExits => ManyExitsProgram.Run(argument),
            TestProgram.Touch => TouchProgram.Run(argument),
            TestProgram.TripleFault => TripleFaultProgram.Run(),
            TestProgram.Msr => MsrProgram.Run(),
            TestProgram.UserHypercall => UserHypercallProgram.Run(),
            TestProgram.Leftovers => LeftoversProgram.Run(argument),
            _ => Unknown(program),
        };
    }

    private static uint Unknown(uint program)
    {
        GuestConsole.Line("testkit: unknown program "u8).Decimal(program).End();
        return UnknownProgram | (program & 0xFFFF);
    }
}
