namespace Redoubt.Guests.Programs;

// What Secret writes into every qword of its RAM and Scan looks for: 0x5EC2E7ED in the high
// dword, the seed (the program's argument) in the low one.
internal static class SecretPattern
{
    public static ulong Of(uint seed) => 0x5EC2_E7ED_0000_0000UL | seed;
}
