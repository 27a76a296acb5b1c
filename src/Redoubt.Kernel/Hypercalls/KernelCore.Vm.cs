using System;
using System.Runtime.InteropServices;
using Redoubt.Abi;
using Redoubt.Kernel.Capabilities;
using Redoubt.Kernel.Crypto;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Objects;
using Redoubt.Kernel.Paging;

namespace Redoubt.Kernel.Hypercalls;

public sealed partial class KernelCore<TPhysical>
{
    private HypercallResult VmCreate(ushort caller)
    {
        if (caller != Dom0)
            return HypercallResult.Fail(HypercallStatus.InsufficientRights);
        int index = -1;
        for (int i = 0; i < _vms.Length && index < 0; i++)
        {
            if (_vms[i].State == VmState.Free)
                index = i;
        }
        if (index < 0)
            return HypercallResult.Fail(HypercallStatus.OutOfResources);
        int slot = _dom0Capabilities.FindFreeSlot();
        if (slot < 0 || _machine.Free.Count < 1)
            return HypercallResult.Fail(HypercallStatus.OutOfResources);

        VirtualMachine vm = _vms[index];
        vm.NestedRoot = new DomainTableMemory<TPhysical>(_machine, vm.Domain).AllocateTable();
        vm.State = VmState.Building;
        vm.Stopped = false;
        vm.VcpuCount = 0;
        vm.Measurement = default;
        vm.LaunchDigest = default;
        LaunchMeasurement.Begin(ref vm.Measurement);
        vm.Capabilities.Put(0, new Capability { Type = ObjectType.Vm, ObjectIndex = (ushort)index, Generation = vm.Generation, Rights = (ulong)VmRights.All, Parent = Capability.NoParent });
        _dom0Capabilities.Put(slot, new Capability { Type = ObjectType.Vm, ObjectIndex = (ushort)index, Generation = vm.Generation, Rights = (ulong)VmRights.Owner, Parent = Capability.NoParent });
        return HypercallResult.Ok((ulong)slot);
    }

    private HypercallResult VmDestroy(ushort caller, ulong slot)
    {
        HypercallStatus status = LookupVm(caller, slot, VmRights.Destroy, out VirtualMachine vm);
        if (status != HypercallStatus.Success)
            return HypercallResult.Fail(status);
        // A VM cannot destroy itself: it runs on the caller's behalf inside the call.
        if (caller == vm.Domain)
            return HypercallResult.Fail(HypercallStatus.InvalidState);

        var table = VmTable(vm);
        var marker = new MarkZeroingVisitor(_machine.Frames, vm.Domain);
        table.VisitLeaves(ref marker);
        // Every translation goes at once, and every CPU has dropped them before any frame is
        // scrubbed or reused (FreeAll zeroes the table frames before that: a CPU walking a stale
        // cached table finds nothing there).
        table.FreeAll();
        TlbFlushes++;
        ShootDownNow();
        ReturnZeroingFrames(vm.Domain);

        foreach (VirtualCpu vcpu in _vcpus)
        {
            if (vcpu.InUse && vcpu.VmDomain == vm.Domain)
            {
                vcpu.InUse = false;
                vcpu.Generation++;
                vcpu.State = default;
            }
        }
        for (int i = 0; i < vm.Capabilities.SlotCount; i++)
            vm.Capabilities.Put(i, default);
        vm.State = VmState.Free;
        vm.Generation++;
        vm.NestedRoot = 0;
        vm.VcpuCount = 0;
        vm.Measurement = default;
        vm.LaunchDigest = default;
        // Stale capabilities fail by generation already; removing them frees Dom0's slots.
        _dom0Capabilities.RemoveAll(ObjectType.Vm, (ushort)(vm.Domain - 1));
        return HypercallResult.Ok();
    }

    private HypercallResult VmFinalize(ushort caller, ulong slot)
    {
        HypercallStatus status = LookupVm(caller, slot, VmRights.Finalize, out VirtualMachine vm);
        if (status != HypercallStatus.Success)
            return HypercallResult.Fail(status);
        if (vm.State != VmState.Building)
            return HypercallResult.Fail(HypercallStatus.InvalidState);

        // In index (creation) order, not pool order: the pool entry a vCPU got depends on other
        // VMs' history, which must not change this VM's measurement.
        for (int index = 0; index < vm.VcpuCount; index++)
        {
            foreach (VirtualCpu vcpu in _vcpus)
            {
                if (vcpu.InUse && vcpu.VmDomain == vm.Domain && vcpu.Index == index)
                    LaunchMeasurement.AppendVcpu(ref vm.Measurement, (ulong)index, vcpu.State);
            }
        }
        LaunchMeasurement.Finish(ref vm.Measurement, (ulong)vm.VcpuCount, vm.LaunchDigest);
        vm.State = VmState.Finalized;
        return HypercallResult.Ok();
    }

    private HypercallResult VmReport(ushort caller, ulong slot, ulong buffer, ulong length)
    {
        HypercallStatus status = LookupVm(caller, slot, VmRights.Measure, out VirtualMachine vm);
        if (status != HypercallStatus.Success)
            return HypercallResult.Fail(status);
        if (length < CvmReport.Size || !IsCallerBuffer(caller, buffer, CvmReport.Size, writable: true))
            return HypercallResult.Fail(HypercallStatus.InvalidBuffer);

        // The caller's ReportData (e.g. a verifier nonce) is taken from the buffer it passed.
        CvmReport report = default;
        ReadCaller(caller, buffer, MemoryMarshal.AsBytes(new Span<CvmReport>(ref report)));
        ReportData reportData = report.ReportData;
        report = default;
        report.Version = CvmReport.CurrentVersion;
        report.Policy = vm.State == VmState.Finalized ? (uint)ReportPolicy.Finalized : 0;
        report.KernelVersion = KernelVersion.Number;
        report.KernelSecurityVersion = KernelVersion.SecurityVersion;
        report.VcpuCount = (ulong)vm.VcpuCount;
        report.LaunchMeasurement = vm.LaunchDigest;
        report.ReportData = reportData;
        WriteCaller(caller, buffer, MemoryMarshal.AsBytes(new ReadOnlySpan<CvmReport>(in report)));
        return HypercallResult.Ok();
    }

    // Frames marked Zeroing (owner domain) are scrubbed and returned to Dom0 at their own
    // address: mapped again in Dom0's table unless they still are (shared frames).
    private void ReturnZeroingFrames(ushort domain)
    {
        FrameTable frames = _machine.Frames;
        for (ulong frame = 0; frame < frames.FrameCount; frame++)
        {
            if (frames.State(frame) != FrameState.Zeroing || frames.Owner(frame) != domain)
                continue;
            _machine.Physical.Frame(frame).Clear();
            ulong address = frame * PageSize;
            if (_dom0Table.Lookup(address, out _) == 0)
                _dom0Table.Map(address, address, PageSize, PageAttributes.Writable | PageAttributes.Executable, allowLarge: false);
            frames.Set(frame, FrameState.Dom0, Dom0);
        }
    }
}
