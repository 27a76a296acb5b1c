using Redoubt.Guests.Hardware;
using Redoubt.Guests.Output;

namespace Redoubt.Guests.Programs;

// TestProgram.Touch: reads the qword at the guest-physical address given as argument. It is
// meant for addresses the VM does not own, where the hypervisor must stop it: returning is the
// failure (after printing what it read).
internal static class TouchProgram
{
    private const uint ReadReturned = 1;

    public static uint Run(uint address)
    {
        GuestConsole.Line("touch: reading "u8).Hex(address).End();
        ulong value = PhysicalMemory.Read(address);
        GuestConsole.Line("touch: read "u8).Hex(address).Text(" returned "u8).Hex(value).End();
        return ReadReturned;
    }
}
