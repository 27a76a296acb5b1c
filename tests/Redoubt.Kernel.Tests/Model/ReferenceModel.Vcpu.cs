using System;
using System.Runtime.InteropServices;
using Redoubt.Abi;
using Redoubt.Kernel.Objects;

namespace Redoubt.Kernel.Tests.Model;

public sealed partial class ReferenceModel
{
    private HypercallResult VcpuCreate(ushort caller, ulong slot)
    {
        HypercallStatus status = LookupVm(caller, slot, VmRights.CreateVcpu, out ModelVm vm);
        if (status != HypercallStatus.Success)
            return Fail(status);
        if (vm.State != VmState.Building)
            return Fail(HypercallStatus.InvalidState);
        if (vm.VcpuCount >= _config.MaxVcpusPerVm)
            return Fail(HypercallStatus.OutOfResources);
        int index = Array.FindIndex(_vcpus, v => !v.InUse);
        ModelCapability[] space = CapabilitiesOf(caller);
        int free = FirstFreeSlot(space);
        if (index < 0 || free < 0)
            return Fail(HypercallStatus.OutOfResources);

        ModelVcpu vcpu = _vcpus[index];
        vcpu.InUse = true;
        vcpu.Vm = vm.Domain;
        vcpu.Index = vm.VcpuCount++;
        Array.Clear(vcpu.State);
        space[free] = new ModelCapability(ObjectType.Vcpu, index, vcpu.Generation, (ulong)VcpuRights.All, -1);
        return HypercallResult.Ok((ulong)free);
    }

    // Only before finalize; the state must have canonical RIP and RSP and a valid RFLAGS.
    private HypercallResult VcpuSetState(ushort caller, ulong slot, ulong buffer, ulong length)
    {
        HypercallStatus status = LookupVcpu(caller, slot, VcpuRights.SetState, out ModelVcpu vcpu);
        if (status != HypercallStatus.Success)
            return Fail(status);
        if (_vms[vcpu.Vm - 1].State != VmState.Building)
            return Fail(HypercallStatus.InvalidState);
        if (length < VcpuState.Size || !IsCallerBuffer(caller, buffer, VcpuState.Size, writable: false))
            return Fail(HypercallStatus.InvalidBuffer);
        byte[] bytes = ReadCaller(caller, buffer, VcpuState.Size);
        VcpuState state = MemoryMarshal.Read<VcpuState>(bytes);
        if (!IsCanonical(state.Rip) || !IsCanonical(state.Rsp) || (state.Rflags & ~0x3F7FD7UL) != 0 || (state.Rflags & 2) == 0)
            return Fail(HypercallStatus.InvalidArgument);
        vcpu.State = bytes;
        return HypercallResult.Ok();
    }

    // Defined by the ABI, implemented with SVM: every check, then NotImplemented.
    private HypercallResult VcpuRun(ushort caller, ulong slot, ulong buffer, ulong length)
    {
        HypercallStatus status = LookupVcpu(caller, slot, VcpuRights.Run, out ModelVcpu vcpu);
        if (status != HypercallStatus.Success)
            return Fail(status);
        if (_vms[vcpu.Vm - 1].State != VmState.Finalized)
            return Fail(HypercallStatus.InvalidState);
        if (length < ExitMessage.Size || !IsCallerBuffer(caller, buffer, ExitMessage.Size, writable: true))
            return Fail(HypercallStatus.InvalidBuffer);
        return Fail(HypercallStatus.NotImplemented);
    }

    private static bool IsCanonical(ulong address) => address < 0x0000_8000_0000_0000 || address >= 0xFFFF_8000_0000_0000;
}
