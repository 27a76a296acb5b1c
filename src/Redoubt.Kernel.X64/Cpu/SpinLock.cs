namespace Redoubt.Kernel.X64.Cpu;

// A test-and-set lock over an int the caller owns (0 free, 1 held), for the few places CPUs
// share: the kernel core's state (one big lock around every hypercall) and the log UART. Held
// only with interrupts off and never across a world switch, so a holder always finishes.
// Safe: lockWord points at a static int that lives as long as the kernel.
internal static unsafe class SpinLock
{
    public static void Acquire(int* lockWord)
    {
        while (Cpu.CompareExchange(lockWord, 1, 0) != 0)
        {
            while (*(int*)lockWord != 0)
                Cpu.Pause();
        }
    }

    // The locked CMPXCHG that took the lock orders it before everything after; a plain store
    // releases it (x86 stores are not reordered with earlier loads or stores).
    public static void Release(int* lockWord) => *(int*)lockWord = 0;
}
