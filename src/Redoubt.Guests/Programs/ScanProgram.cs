using System;
using Redoubt.Guests.Hardware;
using Redoubt.Guests.Output;

namespace Redoubt.Guests.Programs;

// TestProgram.Scan: counts the qwords of its RAM outside its own image that hold
// SecretPattern.Of(argument) (a scrubbed VM finds none), reports the count as a value, then reads
// the first address past its RAM, which the hypervisor does not map: a nested page fault must
// end the VM there. Returning at all is the failure.
internal static class ScanProgram
{
    private const uint ReadPastRamReturned = 1;

    public static uint Run(ulong ramBytes, uint seed)
    {
        ulong pattern = SecretPattern.Of(seed);
        ulong imageStart = PhysicalMemory.ImageStart, imageEnd = PhysicalMemory.ImageEnd;
        ulong matches = PhysicalMemory.CountMatches(0, imageStart, pattern)
            + PhysicalMemory.CountMatches(imageEnd, ramBytes, pattern);
        ulong scanned = imageStart + (ramBytes - imageEnd);
        GuestConsole.Line("scan: "u8).Decimal(matches).Text(" matches of pattern "u8).Hex(pattern)
            .Text(" in "u8).Decimal(scanned).Text(" bytes"u8).End();
        TestReport.Value((uint)Math.Min(matches, uint.MaxValue));

        GuestConsole.Line("scan: touching "u8).Hex(ramBytes).End();
        ulong value = PhysicalMemory.Read(ramBytes);
        GuestConsole.Line("scan: read past RAM returned "u8).Hex(value).End();
        return ReadPastRamReturned;
    }
}
