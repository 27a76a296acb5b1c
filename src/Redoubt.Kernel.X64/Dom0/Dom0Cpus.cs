using Redoubt.Kernel.X64.Cpu;

namespace Redoubt.Kernel.X64.Dom0;

// Every CPU's share of Dom0, the lock around the kernel core, and the TLB shootdown.
// Shootdown protocol: a CPU about to enter Dom0 sets its InGuest flag, then compares the core's
// flush count with the one it last applied (and flushes Dom0's ASID on entry when they differ);
// a CPU whose hypercall shrank a nested table (the count moved) releases the core's lock, then
// sends an NMI to every other CPU whose flag is set and has not applied the new count, and waits
// until each has applied it or left Dom0. The NMI makes Dom0 exit (it is intercepted); the exit
// path applies the count before the next entry. Either the entering CPU sees the new count or
// the shooting CPU sees its flag (each writes its own, then reads the other's: locked CMPXCHG
// orders both), so no CPU runs Dom0 with a translation the table no longer has.
// Safe: the lock word is static storage; the APIC is each CPU's own.
internal static unsafe class Dom0Cpus
{
    private static Dom0Cpu[] s_cpus = [];
    private static int s_coreLock;

    public static Dom0Cpu[] All => s_cpus;

    public static void Set(Dom0Cpu[] cpus) => s_cpus = cpus;

    public static Dom0Cpu? ByApicId(uint apicId)
    {
        foreach (Dom0Cpu cpu in s_cpus)
        {
            if (cpu.ApicId == apicId)
                return cpu;
        }
        return null;
    }

    public static void LockCore()
    {
        fixed (int* lockWord = &s_coreLock)
            SpinLock.Acquire(lockWord);
    }

    public static void UnlockCore()
    {
        fixed (int* lockWord = &s_coreLock)
            SpinLock.Release(lockWord);
    }

    // Marks the CPU in Dom0 (a full barrier follows: the locked exchange).
    public static void EnterGuest(Dom0Cpu cpu)
    {
        fixed (int* flag = &cpu.InGuest)
            Cpu.Cpu.CompareExchange(flag, 1, 0);
    }

    public static void LeaveGuest(Dom0Cpu cpu)
    {
        fixed (int* flag = &cpu.InGuest)
            Cpu.Cpu.CompareExchange(flag, 0, 1);
    }

    // After a hypercall on `self` moved the core's flush count to `target`: every other CPU in
    // Dom0 applies it before this returns.
    public static void ShootDown(Dom0Cpu self, ulong target)
    {
        foreach (Dom0Cpu cpu in s_cpus)
        {
            if (cpu != self && cpu.InGuest != 0 && cpu.Vcpu.FlushesSeen < target)
                LocalApic.SendNmi(cpu.ApicId);
        }
        foreach (Dom0Cpu cpu in s_cpus)
        {
            if (cpu == self)
                continue;
            while (cpu.InGuest != 0 && cpu.Vcpu.FlushesSeen < target)
                Cpu.Cpu.Pause();
        }
    }
}
