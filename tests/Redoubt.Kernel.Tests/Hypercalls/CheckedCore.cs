using System;
using System.Runtime.InteropServices;
using Redoubt.Abi;
using Redoubt.Kernel.Capabilities;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Objects;
using Xunit;

namespace Redoubt.Kernel.Tests.Hypercalls;

// A kernel core whose every hypercall is checked for what must always hold: after every call
// every invariant (InvariantChecker, INV-1..INV-8); for a failing call the exact status, zero
// results, an unchanged TLB-flush count and a state digest equal to the one before (INV-9).
// Default machine (TestMachine.Create(64)): frames 0-1 hypervisor, 2-17 table pool, 18-63 Dom0
// (0x12000-0x3FFFF); Dom0's table takes 4 pool frames, so 12 are free.
internal sealed class CheckedCore
{
    public const ushort Dom0 = KernelCore<ArrayPhysicalMemory>.Dom0;
    public const ulong Page = 4096;
    public const ulong Large = 2UL << 20;
    public const ulong GuestBase = 0x10000;

    public CheckedCore(KernelCore<ArrayPhysicalMemory> core)
    {
        Core = core;
        AssertInvariants();
    }

    public static CheckedCore Create(ulong frames = 64) => new CheckedCore(TestMachine.Create(frames));

    public static CheckedCore Create(ulong frames, KernelConfig config) => new CheckedCore(TestMachine.Create(frames, config));

    public static CheckedCore Create(ulong frames, Func<KernelConfig, KernelConfig> adjust) =>
        new CheckedCore(TestMachine.Create(frames, adjust(TestMachine.DefaultConfig(frames))));

    public KernelCore<ArrayPhysicalMemory> Core { get; }

    public KernelConfig Config => Core.Config;

    public FrameTable Frames => Core.Machine.Frames;

    public ulong FreeFrames => (ulong)Core.Machine.Free.Count;

    // The first frame (as an address) Dom0 owns after boot.
    public ulong Dom0First => (Config.HypervisorFrames + Config.TablePoolFrames) * Page;

    public ulong MachineEnd => Frames.FrameCount * Page;

    // ---- Calls ---------------------------------------------------------------------------------

    public HypercallResult Call(ushort caller, Hypercall call, ulong arg0 = 0, ulong arg1 = 0, ulong arg2 = 0, ulong arg3 = 0, ulong arg4 = 0, ulong arg5 = 0)
    {
        HypercallResult result = Core.Call(caller, call, arg0, arg1, arg2, arg3, arg4, arg5);
        AssertInvariants();
        return result;
    }

    public HypercallResult Ok(ushort caller, Hypercall call, ulong arg0 = 0, ulong arg1 = 0, ulong arg2 = 0, ulong arg3 = 0, ulong arg4 = 0, ulong arg5 = 0)
    {
        HypercallResult result = Call(caller, call, arg0, arg1, arg2, arg3, arg4, arg5);
        Assert.Equal(HypercallStatus.Success, result.Status);
        return result;
    }

    public void Fails(HypercallStatus expected, ushort caller, Hypercall call, ulong arg0 = 0, ulong arg1 = 0, ulong arg2 = 0, ulong arg3 = 0, ulong arg4 = 0, ulong arg5 = 0)
    {
        Assert.NotEqual(HypercallStatus.Success, expected);
        string before = StateDigest.Of(Core);
        ulong flushes = Core.TlbFlushes;
        HypercallResult result = Call(caller, call, arg0, arg1, arg2, arg3, arg4, arg5);
        Assert.Equal(expected, result.Status);
        Assert.Equal(0UL, result.Result0);
        Assert.Equal(0UL, result.Result1);
        Assert.Equal(0UL, result.Result2);
        Assert.Equal(flushes, Core.TlbFlushes);
        Assert.Equal(before, StateDigest.Of(Core));
    }

    public void AssertInvariants()
    {
        var violations = InvariantChecker.Check(Core);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
        // The image's own audit agrees (KernelAuditTests shows it sees each kind of violation).
        InvariantAudit audit = Core.Audit();
        Assert.True(audit.Violations == 0, $"the kernel's audit finds INV-{audit.FirstInvariant} broken at {audit.FirstFrame} where the host checker finds nothing");
    }

    // ---- Common steps --------------------------------------------------------------------------

    // A new VM; returns Dom0's slot for it.
    public ulong CreateVm() => Ok(Dom0, Hypercall.VmCreate).Result0;

    // A new VM with `pages` pages donated at GuestBase from Dom0's memory at `host`.
    public ulong CreateVmWithMemory(ulong host, ulong pages, ulong guest = GuestBase)
    {
        ulong vm = CreateVm();
        Ok(Dom0, Hypercall.MemDonate, vm, host, pages, guest);
        return vm;
    }

    public ulong CreateVcpu(ulong vmSlot, ushort caller = Dom0) => Ok(caller, Hypercall.VcpuCreate, vmSlot).Result0;

    public ulong Derive(ulong slot, ulong mask, ushort caller = Dom0) => Ok(caller, Hypercall.CapDerive, slot, mask).Result0;

    public Capability Dom0Capability(ulong slot) => Core.Dom0Capabilities.Get(slot);

    public VirtualMachine Vm(ulong dom0Slot) => Core.Vms[Dom0Capability(dom0Slot).ObjectIndex];

    public ushort DomainOf(ulong dom0Slot) => Vm(dom0Slot).Domain;

    public VirtualCpu Vcpu(ulong dom0Slot) => Core.Vcpus[Dom0Capability(dom0Slot).ObjectIndex];

    // ---- Memory --------------------------------------------------------------------------------

    public Span<byte> Frame(ulong frame) => Core.Machine.Physical.Frame(frame);

    public bool IsZero(ulong frame) => Frame(frame).IndexOfAnyExcept((byte)0) < 0;

    // Physical memory, bytes at any address (Dom0's memory is 1:1, so also Dom0's view).
    public void WritePhysical(ulong address, ReadOnlySpan<byte> bytes) =>
        bytes.CopyTo(Core.Machine.Physical.Bytes.AsSpan(checked((int)address), bytes.Length));

    public byte[] ReadPhysical(ulong address, int length) =>
        Core.Machine.Physical.Bytes.AsSpan(checked((int)address), length).ToArray();

    public void WriteStruct<T>(ulong address, in T value) where T : unmanaged =>
        WritePhysical(address, MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)));

    public T ReadStruct<T>(ulong address) where T : unmanaged =>
        MemoryMarshal.Read<T>(ReadPhysical(address, Marshal.SizeOf<T>()));

    // Fills whole pages with a pattern that depends on the seed and the page.
    public void Fill(ulong address, ulong pages, byte seed)
    {
        for (ulong p = 0; p < pages; p++)
            Frame(address / Page + p).Fill((byte)(seed + p + 1));
    }

    // Physical address a guest address of a VM translates to; fails the test when unmapped.
    public ulong GuestToPhysical(ulong dom0Slot, ulong guest)
    {
        Assert.True(Core.VmTable(Vm(dom0Slot)).Translate(guest, out ulong physical, out _), $"guest {guest:x} is not mapped");
        return physical;
    }

    public bool Dom0Maps(ulong address) => Core.Dom0Table.Translate(address, out ulong physical, out _) && physical == address;

    // Donates single Dom0 pages from `host` up to a VM, each into a fresh 2 MiB region starting at
    // `guest`, until exactly `target` table frames are free. Returns the next unused host page.
    public ulong DrainFreePoolTo(ulong vmSlot, ulong host, ulong guest, ulong target)
    {
        while (FreeFrames > target)
        {
            ulong needed = Core.VmTable(Vm(vmSlot)).TablesNeededToMap(guest, host, Page, allowLarge: true);
            Assert.True(needed <= FreeFrames - target, "cannot drain the pool to exactly the target");
            Ok(Dom0, Hypercall.MemDonate, vmSlot, host, 1, guest);
            host += Page;
            guest += Large;
        }
        return host;
    }

    public static VcpuState ValidState(ulong rip = 0x1000) => new VcpuState { Rip = rip, Rsp = 0x8000, Rflags = 2, Rax = 0x1234 };
}
