using Redoubt.Guests.Hardware;
using Redoubt.Guests.Output;

namespace Redoubt.Guests.Programs;

// TestProgram.Secret: fills every qword of its RAM outside its own image, [0, image start) and
// [image end, RAM size), with SecretPattern.Of(argument), so that a later VM given the same
// frames can look for it (Scan). Always passes.
internal static class SecretProgram
{
    public static uint Run(ulong ramBytes, uint seed)
    {
        ulong pattern = SecretPattern.Of(seed);
        ulong imageStart = PhysicalMemory.ImageStart, imageEnd = PhysicalMemory.ImageEnd;
        PhysicalMemory.Fill(0, imageStart, pattern);
        PhysicalMemory.Fill(imageEnd, ramBytes, pattern);
        ulong filled = imageStart + (ramBytes - imageEnd);
        GuestConsole.Line("secret: filled "u8).Decimal(filled).Text(" bytes with pattern "u8).Hex(pattern).End();
        return 0;
    }
}
