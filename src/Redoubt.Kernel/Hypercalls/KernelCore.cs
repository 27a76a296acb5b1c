using System;
using Redoubt.Abi;
using Redoubt.Kernel.Capabilities;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Objects;
using Redoubt.Kernel.Paging;

namespace Redoubt.Kernel.Hypercalls;

// The hypercall interface: every call is decode -> validate -> perform. Validation reads state
// only and returns a precise status on the first problem; perform runs only when validation
// passed and cannot fail (every table frame it needs was counted), so a failed call leaves all
// state bit-for-bit unchanged. Callers are domains: 0 = Dom0, n >= 1 = VM n.
// The invariants this code keeps are listed, with the tests that check them, in
// docs/spec/invariants.md.
public sealed partial class KernelCore<TPhysical> where TPhysical : struct, IPhysicalMemory
{
    public const ushort Dom0 = 0;
    private const ulong PageSize = PageTableEntry.PageSize;

    private readonly KernelConfig _config;
    private readonly MachineMemory<TPhysical> _machine;
    private readonly CapabilitySpace _dom0Capabilities;
    private readonly VirtualMachine[] _vms;
    private readonly VirtualCpu[] _vcpus;
    private PageTable<NptFormat, DomainTableMemory<TPhysical>> _dom0Table;

    // Nested-table changes that required a TLB flush (the SVM backend performs them), and how
    // many of them every CPU has acknowledged (ShootDownNow).
    public ulong TlbFlushes { get; private set; }
    private ulong _flushesShotDown;

    private KernelCore(KernelConfig config, MachineMemory<TPhysical> machine)
    {
        _config = config;
        _machine = machine;
        _dom0Capabilities = new CapabilitySpace(config.CapabilitySlots);
        _vms = new VirtualMachine[config.MaxVms];
        for (int i = 0; i < _vms.Length; i++)
            _vms[i] = new VirtualMachine((ushort)(i + 1), config.CapabilitySlots);
        _vcpus = new VirtualCpu[config.MaxVms * config.MaxVcpusPerVm];
        for (int i = 0; i < _vcpus.Length; i++)
            _vcpus[i] = new VirtualCpu();
    }

    public KernelConfig Config => _config;

    public MachineMemory<TPhysical> Machine => _machine;

    public CapabilitySpace Dom0Capabilities => _dom0Capabilities;

    public ReadOnlySpan<VirtualMachine> Vms => _vms;

    public ReadOnlySpan<VirtualCpu> Vcpus => _vcpus;

    public PageTable<NptFormat, DomainTableMemory<TPhysical>> Dom0Table => _dom0Table;

    public PageTable<NptFormat, DomainTableMemory<TPhysical>> VmTable(VirtualMachine vm) =>
        new PageTable<NptFormat, DomainTableMemory<TPhysical>>(new DomainTableMemory<TPhysical>(_machine, vm.Domain), vm.NestedRoot);

    // Sets up the frame table, the free pool and Dom0's 1:1 nested table for a machine laid out
    // by KernelConfig alone. Returns null when the configuration does not fit the machine.
    public static KernelCore<TPhysical>? Create(TPhysical physical, KernelConfig config)
    {
        if (config.HypervisorFrames + config.TablePoolFrames > physical.FrameCount)
            return null;
        return Create(physical, config, new PrefixFrameLayout(config));
    }

    // The same for any layout: the frames the layout calls Free are zeroed into the pool, Dom0's
    // are mapped 1:1 in Dom0's table. Returns null when the configuration does not fit.
    public static KernelCore<TPhysical>? Create<TLayout>(TPhysical physical, KernelConfig config, TLayout layout)
        where TLayout : struct, IFrameLayout
    {
        ulong frames = physical.FrameCount;
        if (config.MaxVms < 1 || config.MaxVms > ushort.MaxValue - 1 || config.MaxVcpusPerVm < 1 || config.CapabilitySlots < 1
            || config.MaxPagesPerCall < 1)
            return null;
        ulong poolFrames = 0;
        for (ulong frame = 0; frame < frames; frame++)
        {
            if (layout.InitialState(frame) == FrameState.Free)
                poolFrames++;
        }
        if (poolFrames == 0)
            return null;
        var machine = new MachineMemory<TPhysical>(physical, poolFrames);
        for (ulong frame = 0; frame < frames; frame++)
        {
            FrameState state = layout.InitialState(frame);
            if (state == FrameState.Free)
            {
                physical.Frame(frame).Clear();
                machine.Free.Push(frame);
            }
            else
            {
                machine.Frames.Set(frame, state is FrameState.Dom0 or FrameState.Mmio ? state : FrameState.Hypervisor, Dom0);
            }
        }
        var core = new KernelCore<TPhysical>(config, machine);
        var dom0Memory = new DomainTableMemory<TPhysical>(machine, Dom0);
        ulong root = dom0Memory.AllocateTable();
        if (root == 0)
            return null;
        core._dom0Table = new PageTable<NptFormat, DomainTableMemory<TPhysical>>(dom0Memory, root);
        // Large pages where the runs allow (fewer tables, shorter nested walks). A frame leaves
        // Dom0 only through MemDonate, which first splits Dom0's leaves over it down to 4 KiB;
        // Unmap frees no tables, so every frame Dom0 ever gave away keeps a last-level table and
        // giving a frame back (reclaim, destroy) or sharing one never needs a table frame: those
        // perform steps cannot run out of them.
        for (ulong frame = 0; frame < frames;)
        {
            if (machine.Frames.State(frame) != FrameState.Dom0)
            {
                frame++;
                continue;
            }
            ulong run = frame;
            while (run < frames && machine.Frames.State(run) == FrameState.Dom0)
                run++;
            if (core._dom0Table.Map(frame * PageSize, frame * PageSize, (run - frame) * PageSize, PageAttributes.Writable | PageAttributes.Executable, allowLarge: true) != MapStatus.Success)
                return null;
            frame = run;
        }
        return core;
    }

    public HypercallResult Dispatch(ushort caller, in HypercallRegisters registers)
    {
        if (caller != Dom0 && (caller > _vms.Length || _vms[caller - 1].State == VmState.Free))
            return HypercallResult.Fail(HypercallStatus.InvalidCapability);
        HypercallResult result = (Hypercall)registers.Number switch
        {
            Hypercall.Info => Info(caller, registers.Arg0, registers.Arg1),
            Hypercall.VmCreate => VmCreate(caller),
            Hypercall.VmDestroy => VmDestroy(caller, registers.Arg0),
            Hypercall.MemDonate => MemDonate(caller, registers.Arg0, registers.Arg1, registers.Arg2, registers.Arg3),
            Hypercall.MemReclaim => MemReclaim(caller, registers.Arg0, registers.Arg1, registers.Arg2),
            Hypercall.VmLoad => VmLoad(caller, registers.Arg0, registers.Arg1, registers.Arg2, registers.Arg3, registers.Arg4),
            Hypercall.VmFinalize => VmFinalize(caller, registers.Arg0),
            Hypercall.VcpuCreate => VcpuCreate(caller, registers.Arg0),
            Hypercall.VcpuSetState => VcpuSetState(caller, registers.Arg0, registers.Arg1, registers.Arg2),
            Hypercall.MemShare => MemShare(caller, registers.Arg0, registers.Arg1, registers.Arg2),
            Hypercall.MemUnshare => MemUnshare(caller, registers.Arg0, registers.Arg1, registers.Arg2),
            Hypercall.VcpuRun => VcpuRun(caller, registers.Arg0, registers.Arg1, registers.Arg2),
            Hypercall.VmReport => VmReport(caller, registers.Arg0, registers.Arg1, registers.Arg2),
            Hypercall.CapDerive => CapDerive(caller, registers.Arg0, registers.Arg1),
            Hypercall.CapRevoke => CapRevoke(caller, registers.Arg0),
            _ => HypercallResult.Fail(HypercallStatus.UnknownHypercall),
        };
        ShootDownNow();
        return result;
    }

    // ---- Validation helpers: read-only ---------------------------------------------------------

    private CapabilitySpace CapabilitiesOf(ushort caller) => caller == Dom0 ? _dom0Capabilities : _vms[caller - 1].Capabilities;

    // The object a slot of the caller's space names: the slot holds a capability of this type
    // to a live object, with at least the rights needed. Statuses in that order of checks.
    private HypercallStatus Lookup(ushort caller, ulong slot, ObjectType type, ulong needed, out ushort objectIndex)
    {
        objectIndex = 0;
        CapabilitySpace space = CapabilitiesOf(caller);
        if (!space.IsValidSlot(slot))
            return HypercallStatus.InvalidCapability;
        Capability capability = space.Get(slot);
        if (capability.Type != type)
            return HypercallStatus.WrongObjectType;
        if (!IsLive(capability))
            return HypercallStatus.InvalidCapability;
        if ((capability.Rights & needed) != needed)
            return HypercallStatus.InsufficientRights;
        objectIndex = capability.ObjectIndex;
        return HypercallStatus.Success;
    }

    private HypercallStatus LookupVm(ushort caller, ulong slot, VmRights needed, out VirtualMachine vm)
    {
        HypercallStatus status = Lookup(caller, slot, ObjectType.Vm, (ulong)needed, out ushort index);
        vm = _vms[index];
        return status;
    }

    private HypercallStatus LookupVcpu(ushort caller, ulong slot, VcpuRights needed, out VirtualCpu vcpu)
    {
        HypercallStatus status = Lookup(caller, slot, ObjectType.Vcpu, (ulong)needed, out ushort index);
        vcpu = _vcpus[index];
        return status;
    }

    // Page count and byte length of a range argument, checked against the per-call bound.
    private HypercallStatus CheckPages(ulong address, ulong pageCount, out ulong length)
    {
        length = pageCount * PageSize;
        if (pageCount == 0 || pageCount > _config.MaxPagesPerCall || (address & (PageSize - 1)) != 0 || address + length < address)
            return HypercallStatus.InvalidArgument;
        return HypercallStatus.Success;
    }

    private PageTable<NptFormat, DomainTableMemory<TPhysical>> TableOf(ushort domain) =>
        domain == Dom0 ? _dom0Table : VmTable(_vms[domain - 1]);

    // A buffer in the caller's own memory: inside the guest-physical space (a table walk reads
    // only address bits 12-47, so a larger address would alias a lower one) and every page
    // mapped in the caller's nested table (writable, when the kernel is to write it), and RAM.
    private bool IsCallerBuffer(ushort caller, ulong address, ulong length, bool writable)
    {
        if (length == 0 || length > 1UL << 20 || !IsGuestAddressRange(address, length))
            return false;
        var table = TableOf(caller);
        for (ulong page = address & ~(PageSize - 1); page < address + length; page += PageSize)
        {
            // Dom0's table also maps devices: a buffer is RAM only.
            if (!table.Translate(page, out ulong physical, out PageAttributes attributes) || !IsRamFrame(physical))
                return false;
            if (writable && (attributes & PageAttributes.Writable) == 0)
                return false;
        }
        return true;
    }

    // Perform helpers over a validated caller buffer.
    private void ReadCaller(ushort caller, ulong address, Span<byte> destination)
    {
        var table = TableOf(caller);
        for (int done = 0; done < destination.Length;)
        {
            table.Translate(address + (ulong)done, out ulong physical, out _);
            int offset = (int)(physical & (PageSize - 1));
            int chunk = Math.Min((int)PageSize - offset, destination.Length - done);
            _machine.Physical.Frame(physical / PageSize).Slice(offset, chunk).CopyTo(destination.Slice(done, chunk));
            done += chunk;
        }
    }

    private void WriteCaller(ushort caller, ulong address, ReadOnlySpan<byte> source)
    {
        var table = TableOf(caller);
        for (int done = 0; done < source.Length;)
        {
            table.Translate(address + (ulong)done, out ulong physical, out _);
            int offset = (int)(physical & (PageSize - 1));
            int chunk = Math.Min((int)PageSize - offset, source.Length - done);
            source.Slice(done, chunk).CopyTo(_machine.Physical.Frame(physical / PageSize).Slice(offset, chunk));
            done += chunk;
        }
    }

    private void NoteFlush(TlbFlush flush)
    {
        if (flush == TlbFlush.Required)
            TlbFlushes++;
    }

    // The point between "unmapped" and "zeroed, measured or mapped elsewhere": returns once no
    // CPU still holds a translation a table change so far removed. Also the end of every call,
    // so that a caller never goes on while another CPU keeps an old translation.
    private void ShootDownNow()
    {
        if (TlbFlushes == _flushesShotDown)
            return;
        _machine.Physical.ShootDown(TlbFlushes);
        _flushesShotDown = TlbFlushes;
    }
}
