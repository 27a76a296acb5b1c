namespace Redoubt.Kernel.X64.Guests;

// How a test guest's run ended, as the scheduler saw it.
internal enum GuestOutcome : byte
{
    // Still runnable (a guest that spins forever ends the run like this).
    Running,
    // Reported Done through the test port; DoneStatus holds its status.
    Done,
    // Stopped by the kernel for a nested page fault (an access outside its memory).
    Stopped,
    // Died: shutdown (triple fault) or something the kernel does not support.
    Died,
    // Halted without reporting Done: nothing will wake it.
    Halted,
}
