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

    private HypercallResult VcpuRun(ushort caller, ulong slot, ulong buffer, ulong length)
    {
        HypercallStatus status = LookupVcpu(caller, slot, VcpuRights.Run, out VirtualCpu vcpu);
        if (status != HypercallStatus.Success)
            return HypercallResult.Fail(status);
        if (_vms[vcpu.VmDomain - 1].State != VmState.Finalized)
            return HypercallResult.Fail(HypercallStatus.InvalidState);
        if (length < ExitMessage.Size || !IsCallerBuffer(caller, buffer, ExitMessage.Size, writable: true))
            return HypercallResult.Fail(HypercallStatus.InvalidBuffer);
        return HypercallResult.Fail(HypercallStatus.NotImplemented);
    }

    private static bool IsCanonical(ulong address) => address < 0x0000_8000_0000_0000 || address >= 0xFFFF_8000_0000_0000;
}
