using Redoubt.Guests.Output;

namespace Redoubt.Guests.Programs;

// TestProgram.Spin: one line, then a loop that never exits to the hypervisor; only its timer
// takes the CPU back.
internal static class SpinProgram
{
    public static uint Run()
    {
        GuestConsole.WriteLine("spin: spinning without exits"u8);
        while (true)
        {
        }
    }
}
