using Redoubt.Guests.Output;

namespace Redoubt.Guests.Programs;

// TestProgram.Count: "count: k" for k from the argument down to 1, then "count: done".
internal static class CountProgram
{
    public static uint Run(uint from)
    {
        for (uint k = from; k >= 1; k--)
            GuestConsole.Line("count: "u8).Decimal(k).End();
        GuestConsole.WriteLine("count: done"u8);
        return 0;
    }
}
