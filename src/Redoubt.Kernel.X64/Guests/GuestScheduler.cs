using System;
using System.Runtime.InteropServices;
using Redoubt.Abi;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Cpu;
using Redoubt.Kernel.X64.Memory;
using Redoubt.Kernel.X64.Svm;

namespace Redoubt.Kernel.X64.Guests;

// Until Dom0 exists, the kernel schedules the vCPUs of its test VMs itself: round-robin, one
// VcpuRun after another as caller Dom0, switching whenever the local APIC timer ends a run
// (so a guest that spins cannot starve another), and handing every other exit to the VM's
// TestPortHandler, as a VMM would.
// Safe: exit messages are read from and answered in the launcher's message pages (Dom0 frames
// it owns, mapped 1:1 by the kernel); VcpuRun checked and wrote them.
internal sealed unsafe class GuestScheduler
{
    public const int Capacity = 8;
    private const uint TimerCount = 100_000;    // x16 divider: about 1.6 ms per tick under QEMU

    private readonly KernelCore<RangePhysicalMemory> _core;
    private readonly bool _handlerInKernel;
    private readonly LaunchedGuest[] _guests = new LaunchedGuest[Capacity];
    private readonly TestPortHandler?[] _handlers = new TestPortHandler?[Capacity];
    private readonly GuestOutcome[] _outcomes = new GuestOutcome[Capacity];
    private readonly bool[] _spins = new bool[Capacity];
    private int _count;

    // handlerInKernel: port I/O is answered inside the run (TestPortExitHandler); otherwise
    // every port access ends the run with its message in Dom0's buffer, as for a ring-3 VMM.
    public GuestScheduler(KernelCore<RangePhysicalMemory> core, bool handlerInKernel = true)
    {
        _core = core;
        _handlerInKernel = handlerInKernel;
    }

    public ulong Preemptions { get; private set; }

    public int Add(in LaunchedGuest guest, bool spinsForever = false)
    {
        _guests[_count] = guest;
        _handlers[_count] = new TestPortHandler(guest.Domain);
        _outcomes[_count] = GuestOutcome.Running;
        _spins[_count] = spinsForever;
        return _count++;
    }

    public GuestOutcome Outcome(int guest) => _outcomes[guest];

    public TestPortHandler Handler(int guest) => _handlers[guest]!;

    public LaunchedGuest Guest(int guest) => _guests[guest];

    // Runs until every guest that does not spin forever has ended, or maxTicks timer ticks have
    // passed (false). Without the timer (benchmarks) nothing preempts: a guest runs until it ends.
    public bool Run(ulong maxTicks, bool useTimer = true)
    {
        if (useTimer && !LocalApic.Start(TimerCount))
        {
            Log.Error("sched"u8).Text("cannot map the local APIC"u8).End();
            return false;
        }
        ulong start = LocalApic.Ticks;
        int current = 0;
        bool settled;
        while (!(settled = Settled()) && LocalApic.Ticks - start < maxTicks)
        {
            while (_outcomes[current] != GuestOutcome.Running)
                current = (current + 1) % _count;
            if (!RunOnce(current))
            {
                Preemptions++;
                current = (current + 1) % _count;
            }
        }
        if (useTimer)
            LocalApic.Stop();
        if (!settled)
            Log.Error("sched"u8).Text("guests still running after "u8).Decimal(maxTicks).Text(" timer ticks"u8).End();
        return settled;
    }

    private bool Settled()
    {
        for (int i = 0; i < _count; i++)
        {
            if (_outcomes[i] == GuestOutcome.Running && !_spins[i])
                return false;
        }
        return true;
    }

    // One VcpuRun and its exit. False when the timer ended the run (time to switch guests).
    private bool RunOnce(int index)
    {
        LaunchedGuest guest = _guests[index];
        TestPortHandler handler = _handlers[index]!;
        HypercallResult result;
        if (_handlerInKernel)
        {
            var inKernel = new TestPortExitHandler(handler);
            result = VcpuRunner.Run(_core, KernelCore<RangePhysicalMemory>.Dom0, guest.VcpuSlot, guest.MessageBuffer, ExitMessage.Size, ref inKernel);
        }
        else
        {
            result = VcpuRunner.Run(_core, KernelCore<RangePhysicalMemory>.Dom0, guest.VcpuSlot, guest.MessageBuffer, ExitMessage.Size);
        }
        if (result.Status != HypercallStatus.Success)
        {
            Log.Error("sched"u8).Text("VcpuRun of vm "u8).Decimal(guest.Domain).Text(" failed, status "u8).Decimal((ulong)result.Status).End();
            _outcomes[index] = GuestOutcome.Died;
            return true;
        }
        ref ExitMessage message = ref *(ExitMessage*)guest.MessageBuffer;
        switch (message.Reason)
        {
            case ExitReason.Interrupted:
                return false;
            case ExitReason.PortIo:
                // In-kernel handling already answered it (the run ended because the guest is done).
                if (!_handlerInKernel)
                    handler.OnPortIo(ref message);
                if (handler.Done)
                    _outcomes[index] = GuestOutcome.Done;
                break;
            case ExitReason.Halt:
                _outcomes[index] = handler.Done ? GuestOutcome.Done : GuestOutcome.Halted;
                if (!handler.Done)
                    Log.Warn("vm"u8).Decimal(guest.Domain).Text(": halted without reporting done, rip "u8).Hex(message.Rip).End();
                break;
            case ExitReason.NestedPageFault:
                _outcomes[index] = GuestOutcome.Stopped;
                break;
            default:
                _outcomes[index] = GuestOutcome.Died;
                break;
        }
        return true;
    }
}
