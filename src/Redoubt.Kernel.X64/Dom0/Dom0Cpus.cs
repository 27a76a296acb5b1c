using System;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Diagnostics;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Cpu;

namespace Redoubt.Kernel.X64.Dom0;

// Every CPU's share of Dom0, the lock around the kernel core, and the TLB shootdown.
// Shootdown protocol (docs/spec/invariants.md, TLB protocol): a CPU about to enter Dom0 sets its
// InGuest flag, then compares the core's flush count with the one it last applied (and flushes
// Dom0's ASID on entry when they differ); a CPU whose hypercall removed translations (the count
// moved) sends, still inside the call and before the frames are reused, an NMI to every CPU
// whose flag is set and has not applied the new count, and waits until each has applied it or
// left Dom0. The NMI makes Dom0 exit (it is intercepted); the exit
// path applies the count before the next entry. Either the entering CPU sees the new count or
// the shooting CPU sees its flag (each writes its own, then reads the other's: locked CMPXCHG
// orders both), so no CPU runs Dom0 with a translation the table no longer has.
// NMIs: every physical NMI is taken once by Redoubt's own handler (an NMI that arrives in Dom0
// exits through the intercept, stays pending while GIF is clear and is taken after STGI), so
// the handler alone decides whose it was: Redoubt's when Redoubt sent this CPU one since the
// last it took (RedoubtNmiSent), else Dom0's, which the runner injects at the next entry. NMIs
// do not queue (a second one pending is lost, as on hardware): one Redoubt sent and one of
// Dom0's that arrive together count as Redoubt's.
// Safe: the lock word is static storage; the APIC is each CPU's own.
internal static unsafe class Dom0Cpus
{
    private static Dom0Cpu[] s_cpus = [];
    private static int s_coreLock;
    private static int s_fence;
    // Test mode (redoubt.shootdown_delay_ms=N): a CPU that exits Dom0 for an NMI holds its
    // acknowledgement this long, so that a test can see a call wait for it before it reuses a
    // frame. 0 (the default): no delay, no log lines.
    private static ulong s_ackDelayNanoseconds;

    public static void Configure(ReadOnlySpan<byte> commandLine)
    {
        ReadOnlySpan<byte> value = BootCommandLine.Value(commandLine, "redoubt.shootdown_delay_ms"u8);
        if (value.IsEmpty || !NumberFormat.TryParseDecimal(value, out ulong milliseconds) || milliseconds == 0 || milliseconds > 10_000 || !Hpet.Start())
            return;
        s_ackDelayNanoseconds = milliseconds * 1_000_000;
        Log.Info("smp"u8).Text("test mode: a CPU holds its TLB shootdown acknowledgement for "u8).Decimal(milliseconds).Text(" ms"u8).End();
    }

    // Right after an NMI exit, before LeaveGuest acknowledges (test mode only).
    public static void HoldAcknowledgement(Dom0Cpu cpu)
    {
        if (s_ackDelayNanoseconds == 0)
            return;
        ulong deadline = Hpet.Nanoseconds + s_ackDelayNanoseconds;
        while (Hpet.Nanoseconds < deadline)
            Cpu.Cpu.Pause();
        Log.Info("smp"u8).Text("CPU "u8).Decimal((ulong)cpu.Index).Text(" acknowledges after holding it "u8)
            .Decimal(s_ackDelayNanoseconds / 1_000_000).Text(" ms"u8).End();
    }

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

    // An NMI of Redoubt's own (a shootdown, a wake-up): marked first, so that the CPU that takes
    // it does not pass it to Dom0.
    public static void SendRedoubtNmi(Dom0Cpu target)
    {
        fixed (int* sent = &target.RedoubtNmiSent)
            Cpu.Cpu.CompareExchange(sent, 1, 0);
        LocalApic.SendNmi(target.ApicId);
    }

    // Redoubt's NMI handler on any CPU: Redoubt's NMI is done with (its only purpose was to make
    // the CPU leave Dom0 or its halt); Dom0's is kept for its vCPU. Takes no lock: it may
    // interrupt a lock holder.
    public static void TakeNmi()
    {
        uint apicId = LocalApic.Id;
        foreach (Dom0Cpu cpu in s_cpus)
        {
            if (cpu.ApicId != apicId)
                continue;
            fixed (int* sent = &cpu.RedoubtNmiSent)
            {
                if (Cpu.Cpu.CompareExchange(sent, 0, 1) == 1)
                    return;
            }
            if (cpu.StartState == Dom0Cpu.Running)
                cpu.Dom0NmiPending = 1;
            return;
        }
    }

    // The core moved its flush count to `target` (the caller holds the core lock, and is in
    // Redoubt, not in Dom0): every CPU in Dom0 applies it or leaves Dom0 before this returns.
    public static void ShootDown(ulong target)
    {
        // A full fence: the core's new flush count (a plain store) is visible to every CPU before
        // this one reads their InGuest flags. Without it the load could pass the buffered store
        // (x86-TSO): a CPU entering Dom0 would read the old count while this one read its flag
        // as clear, and neither would flush.
        fixed (int* fence = &s_fence)
            Cpu.Cpu.CompareExchange(fence, 0, 0);
        ulong start = s_ackDelayNanoseconds != 0 ? Hpet.Nanoseconds : 0, signalled = 0;
        foreach (Dom0Cpu cpu in s_cpus)
        {
            if (cpu.InGuest != 0 && cpu.Vcpu.FlushesSeen < target)
            {
                SendRedoubtNmi(cpu);
                signalled++;
            }
        }
        foreach (Dom0Cpu cpu in s_cpus)
        {
            while (cpu.InGuest != 0 && cpu.Vcpu.FlushesSeen < target)
                Cpu.Cpu.Pause();
        }
        if (s_ackDelayNanoseconds != 0)
            Log.Info("smp"u8).Text("shootdown to flush "u8).Decimal(target).Text(": "u8).Decimal(signalled)
                .Text(" CPUs in Dom0 signalled, every CPU acknowledged after "u8).Decimal((Hpet.Nanoseconds - start) / 1_000_000)
                .Text(" ms; the call goes on"u8).End();
    }
}
