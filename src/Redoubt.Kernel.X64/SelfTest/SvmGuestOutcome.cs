namespace Redoubt.Kernel.X64.SelfTest;

internal enum SvmGuestOutcome
{
    // The test could not run the guest (no SVM, no frames, unexpected exit).
    Failed,
    Halted,
    // Stopped by the kernel after a nested page fault.
    Stopped,
    // Shut down (triple fault).
    Died,
}
