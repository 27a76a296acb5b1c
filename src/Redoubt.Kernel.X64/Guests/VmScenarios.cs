using System;
using Redoubt.Kernel.Virtualization;
using Redoubt.Abi;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Crypto;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Cpu;
using Redoubt.Kernel.X64.Memory;
using Redoubt.Kernel.X64.Svm;

namespace Redoubt.Kernel.X64.Guests;

// The scenarios that run test-kit guests (docs/console-protocol.md): each launches VMs through
// the launcher, schedules them, and checks how each ended. Console lines show the rest.
internal static class VmScenarios
{
    private const ulong MaxTicks = 20_000;
    private const uint Secret = 0x5EC2E7;

    public static bool Run(Scenario scenario, GuestLauncher launcher, KernelCore<RangePhysicalMemory> core, ReadOnlySpan<byte> commandLine) => scenario switch
    {
        // Every port access of this one ends the run in Dom0's buffer (the plain VcpuRun path).
        Scenario.VmHello => Expect(launcher, core, GuestSpec.Kit(TestProgram.Hello, 0), GuestOutcome.Done, 0, handlerInKernel: false),
        Scenario.VmOutsideMemory =>
            Expect(launcher, core, GuestSpec.Kit(TestProgram.Touch, (uint)GuestSpec.DefaultRam + 0x1000), GuestOutcome.Stopped, 0)
            && Expect(launcher, core, GuestSpec.Kit(TestProgram.Hello, 0), GuestOutcome.Done, 0),
        Scenario.VmTripleFault =>
            Expect(launcher, core, GuestSpec.Kit(TestProgram.TripleFault, 0), GuestOutcome.Died, 0)
            && Expect(launcher, core, GuestSpec.Kit(TestProgram.Hello, 0), GuestOutcome.Done, 0),
        Scenario.VmSecret => SecretScan(launcher, core),
        Scenario.VmVector => Pair(launcher, core, GuestSpec.Kit(TestProgram.Vector, 1), GuestSpec.Kit(TestProgram.Vector, 2), spins: false)
            && DestroyAllAndCheckScrubbed(launcher, core),
        Scenario.VmSpin => Pair(launcher, core, GuestSpec.Kit(TestProgram.Spin, 0), GuestSpec.Kit(TestProgram.Count, 5), spins: true),
        Scenario.VmGarbageHypercall => Expect(launcher, core, GuestSpec.Kit(TestProgram.GarbageHypercall, 0), GuestOutcome.Done, 0),
        Scenario.VmManyExits => ManyExits(launcher, core),
        Scenario.VmMsr => Expect(launcher, core, GuestSpec.Kit(TestProgram.Msr, 0), GuestOutcome.Done, 0xE000_000D),
        // #UD (vector 6) at the VMMCALL from ring 3, after the same call worked from ring 0.
        Scenario.VmUserHypercall => Expect(launcher, core, GuestSpec.Kit(TestProgram.UserHypercall, 0), GuestOutcome.Done, 0xE000_0006),
        // Two VMs interleaved by the timer, each with its own DR0-DR3 and TSC_AUX.
        Scenario.VmLeftovers => Pair(launcher, core, GuestSpec.Kit(TestProgram.Leftovers, 1), GuestSpec.Kit(TestProgram.Leftovers, 2), spins: false)
            && DestroyAllAndCheckScrubbed(launcher, core),
        Scenario.BenchExits => ExitBenchmark.Run(launcher, core, commandLine),
        _ => false,
    };

    // One guest, alone, must end as expected (and with doneStatus when it reports Done).
    private static bool Expect(GuestLauncher launcher, KernelCore<RangePhysicalMemory> core, in GuestSpec spec, GuestOutcome expected, uint doneStatus,
        bool handlerInKernel = true)
    {
        var scheduler = new GuestScheduler(core, handlerInKernel);
        if (!launcher.Launch(spec, out LaunchedGuest guest))
            return false;
        scheduler.Add(guest);
        scheduler.Run(MaxTicks);
        bool ok = Check(scheduler, 0, expected, doneStatus);
        if (expected is GuestOutcome.Stopped or GuestOutcome.Died)
        {
            // A VM stopped for good keeps no register value in the hypervisor.
            bool scrubbed = SvmHost.HoldsNoGuestState(guest.VcpuIndex);
            (scrubbed ? Log.Info("scrub"u8) : Log.Error("scrub"u8)).Text("vm "u8).Decimal(guest.Domain)
                .Text(scrubbed ? ": its vCPU context holds no guest state"u8 : ": guest state LEFT in its vCPU context"u8).End();
            ok &= scrubbed;
        }
        return ok;
    }

    private static bool Check(GuestScheduler scheduler, int index, GuestOutcome expected, uint doneStatus)
    {
        GuestOutcome outcome = scheduler.Outcome(index);
        bool ok = outcome == expected && (expected != GuestOutcome.Done || scheduler.Handler(index).DoneStatus == doneStatus);
        var line = ok ? Log.Info("scenario"u8) : Log.Error("scenario"u8);
        line.Text("vm "u8).Decimal(scheduler.Guest(index).Domain).Text(": ended "u8).Text(Name(outcome)).Text(ok ? ", as expected"u8 : ", NOT as expected: "u8);
        if (!ok)
            line.Text(Name(expected));
        line.End();
        return ok;
    }

    // Two guests at once, round-robin: both must finish (a spinning first guest keeps spinning).
    private static bool Pair(GuestLauncher launcher, KernelCore<RangePhysicalMemory> core, in GuestSpec first, in GuestSpec second, bool spins)
    {
        var scheduler = new GuestScheduler(core);
        if (!launcher.Launch(first, out LaunchedGuest a) || !launcher.Launch(second, out LaunchedGuest b))
            return false;
        scheduler.Add(a, spinsForever: spins);
        scheduler.Add(b);
        bool settled = scheduler.Run(MaxTicks);
        Log.Info("sched"u8).Text("round-robin: "u8).Decimal(scheduler.Preemptions).Text(" timer preemptions"u8).End();
        bool ok = settled && Check(scheduler, 1, GuestOutcome.Done, 0);
        return spins ? ok && Check(scheduler, 0, GuestOutcome.Running, 0) && scheduler.Preemptions > 0 : ok && Check(scheduler, 0, GuestOutcome.Done, 0);
    }

    // VM A fills its RAM with a secret; VM B, alive at the same time, scans all RAM it can
    // address and then reads past it (stopped). A is destroyed (scrubbed); VM C gets A's frames
    // and scans them. Neither B nor C may find the secret (they print their match counts).
    private static bool SecretScan(GuestLauncher launcher, KernelCore<RangePhysicalMemory> core)
    {
        var scheduler = new GuestScheduler(core);
        if (!launcher.Launch(GuestSpec.Kit(TestProgram.Secret, Secret), out LaunchedGuest a))
            return false;
        scheduler.Add(a);
        scheduler.Run(MaxTicks);
        if (!Check(scheduler, 0, GuestOutcome.Done, 0))
            return false;
        if (!launcher.Launch(GuestSpec.Kit(TestProgram.Scan, Secret), out LaunchedGuest b))
            return false;
        scheduler.Add(b);
        scheduler.Run(MaxTicks);
        if (!Check(scheduler, 1, GuestOutcome.Stopped, 0))
            return false;
        HypercallStatus destroyed = launcher.Call(Hypercall.VmDestroy, a.VmSlot).Status;
        Log.Info("scenario"u8).Text("vm "u8).Decimal(a.Domain).Text(" destroyed (status "u8).Decimal((ulong)destroyed).Text("): its frames scrubbed and back with Dom0"u8).End();
        if (!launcher.Launch(GuestSpec.Kit(TestProgram.Scan, Secret), out LaunchedGuest c))
            return false;
        Log.Info("scenario"u8).Text("vm "u8).Decimal(c.Domain).Text(" has RAM at host "u8).Hex(c.RamHostAddress)
            .Text(c.RamHostAddress == a.RamHostAddress ? ": the frames vm "u8 : ": not the frames vm "u8).Decimal(a.Domain).Text(" had"u8).End();
        scheduler.Add(c);
        scheduler.Run(MaxTicks);
        return destroyed == HypercallStatus.Success && c.RamHostAddress == a.RamHostAddress && Check(scheduler, 2, GuestOutcome.Stopped, 0);
    }

    // 100,000 exits (port writes the kernel absorbs, CPUIDs it answers) leave the frame table
    // exactly as it was: same digest of every entry, same count per state.
    private static bool ManyExits(GuestLauncher launcher, KernelCore<RangePhysicalMemory> core)
    {
        const uint Exits = 100_000;
        var scheduler = new GuestScheduler(core);
        if (!launcher.Launch(GuestSpec.Kit(TestProgram.ManyExits, Exits), out LaunchedGuest guest))
            return false;
        Span<byte> before = stackalloc byte[32], after = stackalloc byte[32];
        FrameTable frames = core.Machine.Frames;
        Sha256.Hash(System.Runtime.InteropServices.MemoryMarshal.AsBytes(frames.Entries), before);
        scheduler.Add(guest);
        scheduler.Run(MaxTicks);
        ulong exits = SvmHost.Vcpu(guest.VcpuIndex).Exits;
        Sha256.Hash(System.Runtime.InteropServices.MemoryMarshal.AsBytes(frames.Entries), after);
        bool same = ByteSpans.Same(before, after);
        (same ? Log.Info("accounting"u8) : Log.Error("accounting"u8)).Text("vm "u8).Decimal(guest.Domain).Text(": "u8).Decimal(exits)
            .Text(" exits; frame table "u8).Text(same ? "unchanged"u8 : "CHANGED"u8).Text(" (SHA-256 of "u8).Decimal(frames.FrameCount)
            .Text(" entries before and after); "u8).Decimal(frames.Count(FrameState.GuestPrivate)).Text(" guest frames, "u8)
            .Decimal(frames.Count(FrameState.Free)).Text(" free"u8).End();
        return Check(scheduler, 0, GuestOutcome.Done, 0) && same && exits >= Exits;
    }

    // Destroys every VM the launcher made; then no vCPU context may hold guest state any more.
    private static bool DestroyAllAndCheckScrubbed(GuestLauncher launcher, KernelCore<RangePhysicalMemory> core)
    {
        int destroyed = 0;
        for (ulong slot = 0; slot < (ulong)GuestHost.Config.CapabilitySlots; slot++)
        {
            if (core.Dom0Capabilities.Get(slot).Type == ObjectType.Vm && launcher.Call(Hypercall.VmDestroy, slot).Status == HypercallStatus.Success)
                destroyed++;
        }
        bool scrubbed = SvmHost.AllRetiredScrubbed(core);
        (scrubbed ? Log.Info("scrub"u8) : Log.Error("scrub"u8)).Decimal((ulong)destroyed).Text(" VMs destroyed: "u8)
            .Text(scrubbed ? "no vCPU context holds guest state (VMCB, XSAVE area, registers all zero)"u8 : "guest state LEFT in a vCPU context"u8).End();
        return scrubbed && destroyed > 0;
    }

    private static ReadOnlySpan<byte> Name(GuestOutcome outcome) => outcome switch
    {
        GuestOutcome.Done => "done"u8,
        GuestOutcome.Stopped => "stopped (nested page fault)"u8,
        GuestOutcome.Died => "dead (shutdown)"u8,
        GuestOutcome.Halted => "halted"u8,
        _ => "still running"u8,
    };
}
