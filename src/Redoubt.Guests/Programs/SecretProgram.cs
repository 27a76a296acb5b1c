using Redoubt.Guests.Hardware;
using Redoubt.Guests.Output;

namespace Redoubt.Guests.Programs;

// TestProgram.Secret: fills every qword of its RAM outside its own image, [0, image start) and
// [image end, RAM size), with SecretPattern.Of(argument), so that a later VM given the same
// frames can look for it (Scan). Fails when the scan does not find the secret it just wrote.
internal static class SecretProgram
{
    private const uint ScanMissedSecret = 1;

    public static uint Run(ulong ramBytes, uint seed)
    {
        ulong pattern = SecretPattern.Of(seed);
        ulong imageStart = PhysicalMemory.ImageStart, imageEnd = PhysicalMemory.ImageEnd;
        PhysicalMemory.Fill(0, imageStart, pattern);
        PhysicalMemory.Fill(imageEnd, ramBytes, pattern);
        ulong filled = imageStart + (ramBytes - imageEnd);
        GuestConsole.Line("secret: filled "u8).Decimal(filled).Text(" bytes with pattern "u8).Hex(pattern).End();
        // The scan Scan runs, over the secret itself: it must find every qword (so that Scan's
        // zero elsewhere means something).
        ulong matches = PhysicalMemory.CountMatches(0, imageStart, pattern) + PhysicalMemory.CountMatches(imageEnd, ramBytes, pattern);
        GuestConsole.Line("secret: the scan finds "u8).Decimal(matches).Text(" matches in its own RAM"u8).End();
        return matches == filled / 8 ? 0u : ScanMissedSecret;
    }
}
