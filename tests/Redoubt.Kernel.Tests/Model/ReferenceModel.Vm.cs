using System;
using System.Buffers.Binary;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Redoubt.Abi;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Objects;

namespace Redoubt.Kernel.Tests.Model;

public sealed partial class ReferenceModel
{
    private HypercallResult Info(ushort caller, ulong buffer, ulong length)
    {
        bool wantsRecord = buffer != 0 || length != 0;
        if (wantsRecord && (length < InfoRecord.Size || !IsCallerBuffer(caller, buffer, InfoRecord.Size, writable: true)))
            return Fail(HypercallStatus.InvalidBuffer);
        if (wantsRecord)
        {
            InfoRecord record = default;
            record.AbiVersion = AbiVersion.Current;
            record.KernelVersion = KernelVersion.Number;
            record.CpuCount = (ulong)_config.CpuCount;
            record.FramesTotal = ModelShape.Frames;
            record.FramesFree = (ulong)_freeTables;
            record.FramesHypervisor = CountFrames(FrameState.Hypervisor);
            record.FramesDom0 = CountFrames(FrameState.Dom0);
            record.FramesGuestPrivate = CountFrames(FrameState.GuestPrivate);
            record.FramesGuestShared = CountFrames(FrameState.GuestShared);
            record.FramesPageTable = (ulong)TableFrames;
            record.VmCount = (ulong)_vms.Count(vm => vm.State != VmState.Free);
            record.VcpuCount = (ulong)_vms.Where(vm => vm.State != VmState.Free).Sum(vm => vm.VcpuCount);
            WriteCaller(caller, buffer, MemoryMarshal.AsBytes(new ReadOnlySpan<InfoRecord>(in record)));
        }
        return HypercallResult.Ok(AbiVersion.Current, ModelShape.Frames, (ulong)_freeTables);
    }

    // Dom0 only: a VM in the first free pool slot with a root table, the VM holding All on
    // itself in its slot 0 and Dom0 holding Owner (everything but Share) in its first free slot.
    private HypercallResult VmCreate(ushort caller)
    {
        if (caller != Dom0)
            return Fail(HypercallStatus.InsufficientRights);
        int index = Array.FindIndex(_vms, vm => vm.State == VmState.Free);
        if (index < 0)
            return Fail(HypercallStatus.OutOfResources);
        int slot = FirstFreeSlot(_dom0Capabilities);
        if (slot < 0 || _freeTables < 1)
            return Fail(HypercallStatus.OutOfResources);

        ModelVm vm = _vms[index];
        _freeTables--;
        vm.State = VmState.Building;
        vm.VcpuCount = 0;
        vm.Measurement = IncrementalHash.CreateHash(HashAlgorithmName.SHA384);
        vm.Measurement.AppendData("RDBT-LAUNCH-V1\0\0"u8);
        vm.LaunchDigest = new byte[48];
        vm.Capabilities[0] = new ModelCapability(ObjectType.Vm, index, vm.Generation, (ulong)VmRights.All, -1);
        _dom0Capabilities[slot] = new ModelCapability(ObjectType.Vm, index, vm.Generation, (ulong)VmRights.Owner, -1);
        return HypercallResult.Ok((ulong)slot);
    }

    // Every frame of the VM scrubbed and returned to Dom0, its tables to the pool, its vCPUs and
    // every capability to it gone. Not by the VM itself.
    private HypercallResult VmDestroy(ushort caller, ulong slot)
    {
        HypercallStatus status = LookupVm(caller, slot, VmRights.Destroy, out ModelVm vm);
        if (status != HypercallStatus.Success)
            return Fail(status);
        if (caller == vm.Domain)
            return Fail(HypercallStatus.InvalidState);

        foreach (ulong frame in vm.Pages.Values)
            GiveToDom0(frame);
        vm.Pages.Clear();
        vm.ReadOnlyPages.Clear();
        _freeTables += vm.TableFrames;
        vm.Tables.Clear();
        foreach (ModelVcpu vcpu in _vcpus.Where(v => v.InUse && v.Vm == vm.Domain))
        {
            vcpu.InUse = false;
            vcpu.Generation++;
            Array.Clear(vcpu.State);
        }
        Array.Clear(vm.Capabilities);
        vm.State = VmState.Free;
        vm.Generation++;
        vm.VcpuCount = 0;
        vm.Measurement?.Dispose();
        vm.Measurement = null;
        vm.LaunchDigest = new byte[48];
        int index = vm.Domain - 1;
        for (int i = 0; i < _dom0Capabilities.Length; i++)
        {
            if (_dom0Capabilities[i].Type == ObjectType.Vm && _dom0Capabilities[i].Object == index)
                _dom0Capabilities[i] = default;
        }
        return HypercallResult.Ok();
    }

    // Seals the measurement: a record per vCPU in index order, then the final record.
    private HypercallResult VmFinalize(ushort caller, ulong slot)
    {
        HypercallStatus status = LookupVm(caller, slot, VmRights.Finalize, out ModelVm vm);
        if (status != HypercallStatus.Success)
            return Fail(status);
        if (vm.State != VmState.Building)
            return Fail(HypercallStatus.InvalidState);

        foreach (ModelVcpu vcpu in _vcpus.Where(v => v.InUse && v.Vm == vm.Domain).OrderBy(v => v.Index))
        {
            vm.Measurement!.AppendData(Record("RDBTVCPU"u8, (ulong)vcpu.Index));
            vm.Measurement.AppendData(vcpu.State);
        }
        vm.Measurement!.AppendData(Record("RDBTFINL"u8, (ulong)vm.VcpuCount));
        vm.LaunchDigest = vm.Measurement.GetHashAndReset();
        vm.State = VmState.Finalized;
        return HypercallResult.Ok();
    }

    // The report carries the caller's ReportData back, bound to the VM's sealed measurement.
    private HypercallResult VmReport(ushort caller, ulong slot, ulong buffer, ulong length)
    {
        HypercallStatus status = LookupVm(caller, slot, VmRights.Measure, out ModelVm vm);
        if (status != HypercallStatus.Success)
            return Fail(status);
        if (length < CvmReport.Size || !IsCallerBuffer(caller, buffer, CvmReport.Size, writable: true))
            return Fail(HypercallStatus.InvalidBuffer);

        int size = Marshal.SizeOf<CvmReport>();
        CvmReport given = MemoryMarshal.Read<CvmReport>(ReadCaller(caller, buffer, size));
        CvmReport report = default;
        report.Version = CvmReport.CurrentVersion;
        report.Policy = vm.State == VmState.Finalized ? (uint)ReportPolicy.Finalized : 0;
        report.KernelVersion = KernelVersion.Number;
        report.KernelSecurityVersion = KernelVersion.SecurityVersion;
        report.VcpuCount = (ulong)vm.VcpuCount;
        vm.LaunchDigest.CopyTo(report.LaunchMeasurement);
        report.ReportData = given.ReportData;
        WriteCaller(caller, buffer, MemoryMarshal.AsBytes(new ReadOnlySpan<CvmReport>(in report)));
        return HypercallResult.Ok();
    }

    // "RDBTxxxx" | a little-endian 64-bit value.
    private static byte[] Record(ReadOnlySpan<byte> tag, ulong value)
    {
        var record = new byte[16];
        tag.CopyTo(record);
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(8), value);
        return record;
    }
}
