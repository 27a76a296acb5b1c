using System;
using System.Runtime.InteropServices;
using Redoubt.Abi;
using Redoubt.Kernel.Capabilities;
using Redoubt.Kernel.Objects;

namespace Redoubt.Kernel.Hypercalls;

public sealed partial class KernelCore<TPhysical>
{
    private HypercallResult VcpuCreate(ushort caller, ulong slot)
    {
        HypercallStatus status = LookupVm(caller, slot, VmRights.CreateVcpu, out VirtualMachine vm);
        if (status != HypercallStatus.Success)
            return HypercallResult.Fail(status);
        if (vm.State != VmState.Building)
            return HypercallResult.Fail(HypercallStatus.InvalidState);
        if (vm.VcpuCount >= _config.MaxVcpusPerVm)
            return HypercallResult.Fail(HypercallStatus.OutOfResources);
        int index = -1;
        for (int i = 0; i < _vcpus.Length && index < 0; i++)
        {
            if (!_vcpus[i].InUse)
                index = i;
        }
        CapabilitySpace space = CapabilitiesOf(caller);
        int capabilitySlot = space.FindFreeSlot();
        if (index < 0 || capabilitySlot < 0)
            return HypercallResult.Fail(HypercallStatus.OutOfResources);

        VirtualCpu vcpu = _vcpus[index];
        vcpu.InUse = true;
        vcpu.VmDomain = vm.Domain;
        vcpu.Index = vm.VcpuCount++;
        vcpu.State = default;
        space.Put(capabilitySlot, new Capability { Type = ObjectType.Vcpu, ObjectIndex = (ushort)index, Generation = vcpu.Generation, Rights = (ulong)VcpuRights.All, Parent = Capability.NoParent });
        return HypercallResult.Ok((ulong)capabilitySlot);
    }

    private HypercallResult VcpuSetState(ushort caller, ulong slot, ulong buffer, ulong length)
    {
        HypercallStatus status = LookupVcpu(caller, slot, VcpuRights.SetState, out VirtualCpu vcpu);
        if (status != HypercallStatus.Success)
            return HypercallResult.Fail(status);
        if (_vms[vcpu.VmDomain - 1].State != VmState.Building)
            return HypercallResult.Fail(HypercallStatus.InvalidState);
        if (length < VcpuState.Size || !IsCallerBuffer(caller, buffer, VcpuState.Size, writable: false))
            return HypercallResult.Fail(HypercallStatus.InvalidBuffer);
        VcpuState state = default;
        ReadCaller(caller, buffer, MemoryMarshal.AsBytes(new Span<VcpuState>(ref state)));
        if (!IsCanonical(state.Rip) || !IsCanonical(state.Rsp) || (state.Rflags & ~0x3F7FD7UL) != 0 || (state.Rflags & 2) == 0)
            return HypercallResult.Fail(HypercallStatus.InvalidArgument);

        vcpu.State = state;
        return HypercallResult.Ok();
    }

    // VcpuRun through Dispatch: the checks, then NotImplemented. The platform layer runs vCPUs:
    // it calls ValidateRun, runs the vCPU, and hands the exit over with DeliverExit.
    private HypercallResult VcpuRun(ushort caller, ulong slot, ulong buffer, ulong length)
    {
        HypercallStatus status = ValidateRun(caller, slot, buffer, length, out _);
        return HypercallResult.Fail(status == HypercallStatus.Success ? HypercallStatus.NotImplemented : status);
    }

    // VcpuRun's checks, in this order: the capability (Run right), a finalized VM that has not
    // stopped, a writable buffer for the ExitMessage. vcpuIndex is the vCPU's pool index.
    public HypercallStatus ValidateRun(ushort caller, ulong slot, ulong buffer, ulong length, out int vcpuIndex)
    {
        vcpuIndex = -1;
        HypercallStatus status = Lookup(caller, slot, ObjectType.Vcpu, (ulong)VcpuRights.Run, out ushort index);
        if (status != HypercallStatus.Success)
            return status;
        VirtualMachine vm = _vms[_vcpus[index].VmDomain - 1];
        if (vm.State != VmState.Finalized || vm.Stopped)
            return HypercallStatus.InvalidState;
        if (length < ExitMessage.Size || !IsCallerBuffer(caller, buffer, ExitMessage.Size, writable: true))
            return HypercallStatus.InvalidBuffer;
        vcpuIndex = index;
        return HypercallStatus.Success;
    }

    // The Data field of the message the caller left in its buffer: its answer to a read.
    // The buffer was checked by ValidateRun in the same call.
    public ulong ReadExitData(ushort caller, ulong buffer)
    {
        ExitMessage message = default;
        ReadCaller(caller, buffer, MemoryMarshal.AsBytes(new Span<ExitMessage>(ref message)));
        return message.Data;
    }

    // Writes the exit message into the buffer ValidateRun checked in the same call.
    public void DeliverExit(ushort caller, ulong buffer, in ExitMessage message)
    {
        ExitMessage copy = message;
        WriteCaller(caller, buffer, MemoryMarshal.AsBytes(new Span<ExitMessage>(ref copy)));
    }

    // The VM died (triple fault) or did what it may never do (a nested page fault outside its
    // memory): its vCPUs never run again; its owner may still report on it and destroy it.
    public void StopVm(ushort domain) => _vms[domain - 1].Stopped = true;

    private static bool IsCanonical(ulong address) => address < 0x0000_8000_0000_0000 || address >= 0xFFFF_8000_0000_0000;
}
