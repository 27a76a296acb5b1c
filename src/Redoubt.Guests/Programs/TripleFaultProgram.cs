using Redoubt.Guests.Hardware;
using Redoubt.Guests.Output;

namespace Redoubt.Guests.Programs;

// TestProgram.TripleFault: an empty IDT, then int3; the CPU shuts down and the hypervisor must
// end the VM. Returning is the failure.
internal static class TripleFaultProgram
{
    private const uint StillRunning = 1;

    public static uint Run()
    {
        GuestConsole.WriteLine("triple fault: empty IDT, then int3"u8);
        Processor.TripleFault();
        GuestConsole.WriteLine("triple fault: still running"u8);
        return StillRunning;
    }
}
