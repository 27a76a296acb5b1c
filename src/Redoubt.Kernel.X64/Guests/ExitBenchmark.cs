using System;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Diagnostics;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Cpu;
using Redoubt.Kernel.X64.Memory;

namespace Redoubt.Kernel.X64.Guests;

// Redoubt's side of `redoubt bench exits`: the benchmark loops (bench/*.bin, the same real-mode
// loops the KVM baseline runs) one VM at a time, without the timer, timed by the HPET. Under
// QEMU -icount shift=0 one guest instruction is one nanosecond, so ns per iteration is the
// instructions per exit round trip (hypervisor and guest); otherwise it is wall time.
// Prints one "bench:" line per loop (docs/console-protocol.md); tools/bench reads them.
internal static class ExitBenchmark
{
    public static bool Run(GuestLauncher launcher, KernelCore<RangePhysicalMemory> core, ReadOnlySpan<byte> commandLine)
    {
        if (!Hpet.Start())
        {
            Log.Error("bench"u8).Text("no HPET at 0xFED00000"u8).End();
            return false;
        }
        uint iterations = 20_000;
        ReadOnlySpan<byte> iterationsValue = BootCommandLine.Value(commandLine, "redoubt.iterations"u8);
        if (!iterationsValue.IsEmpty && NumberFormat.TryParseDecimal(iterationsValue, out ulong parsed) && parsed >= 1 && parsed <= 10_000_000)
            iterations = (uint)parsed;
        return Measure(launcher, core, GuestImageName.LoopBare, "loop"u8, iterations)
            && Measure(launcher, core, GuestImageName.LoopNull, "null"u8, iterations)
            && Measure(launcher, core, GuestImageName.LoopCpuid, "cpuid"u8, iterations)
            && Measure(launcher, core, GuestImageName.LoopPortIo, "pio"u8, iterations)
            && Measure(launcher, core, GuestImageName.LoopPortIo, "pio_vcpurun"u8, iterations, handlerInKernel: false);
    }

    // handlerInKernel false: every port access returns from VcpuRun with its message in Dom0's
    // buffer and the next VcpuRun resumes the vCPU (the path a ring-3 VMM or Dom0 takes).
    private static bool Measure(GuestLauncher launcher, KernelCore<RangePhysicalMemory> core, GuestImageName image, ReadOnlySpan<byte> kind, uint iterations,
        bool handlerInKernel = true)
    {
        var scheduler = new GuestScheduler(core, handlerInKernel);
        if (!launcher.Launch(GuestSpec.Loop(image, iterations), out LaunchedGuest guest))
            return false;
        scheduler.Add(guest);
        ulong start = Hpet.Nanoseconds;
        bool settled = scheduler.Run(ulong.MaxValue, useTimer: false);
        ulong elapsed = Hpet.Nanoseconds - start;
        TestPortHandler handler = scheduler.Handler(0);
        if (!settled || scheduler.Outcome(0) != GuestOutcome.Done || handler.LoopsDone != 1)
        {
            Log.Error("bench"u8).Text(kind).Text(": the loop did not finish"u8).End();
            return false;
        }
        // Round trips per second, and nanoseconds per iteration to one decimal.
        ulong perSecond = elapsed == 0 ? 0 : (ulong)iterations * 1_000_000_000 / elapsed;
        ulong tenthsPerIteration = elapsed * 10 / iterations;
        Log.Info("bench"u8).Text("kind="u8).Text(kind).Text(" iterations="u8).Decimal(iterations).Text(" ns="u8).Decimal(elapsed)
            .Text(" per_second="u8).Decimal(perSecond).Text(" ns_per_iteration="u8).Decimal(tenthsPerIteration / 10).Text("."u8)
            .Decimal(tenthsPerIteration % 10).Text(" echoes="u8).Decimal(handler.Echoes).End();
        launcher.Call(Redoubt.Abi.Hypercall.VmDestroy, guest.VmSlot);
        return true;
    }
}
