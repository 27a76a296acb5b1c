using Redoubt.Abi;
using Redoubt.Kernel.Objects;

namespace Redoubt.Kernel.Tests.Model;

public sealed partial class ReferenceModel
{
    private ModelCapability[] CapabilitiesOf(ushort caller) => caller == Dom0 ? _dom0Capabilities : _vms[caller - 1].Capabilities;

    private static bool IsValidSlot(ModelCapability[] space, ulong slot) => slot < (ulong)space.Length && !space[slot].IsEmpty;

    private static int FirstFreeSlot(ModelCapability[] space)
    {
        for (int i = 0; i < space.Length; i++)
        {
            if (space[i].IsEmpty)
                return i;
        }
        return -1;
    }

    // A VM capability with the rights needed: no slot or an empty one, or a VM that died since
    // -> InvalidCapability; a vCPU -> WrongObjectType; missing rights -> InsufficientRights.
    private HypercallStatus LookupVm(ushort caller, ulong slot, VmRights needed, out ModelVm vm)
    {
        vm = _vms[0];
        ModelCapability[] space = CapabilitiesOf(caller);
        if (!IsValidSlot(space, slot))
            return HypercallStatus.InvalidCapability;
        ModelCapability capability = space[slot];
        if (capability.Type != ObjectType.Vm)
            return HypercallStatus.WrongObjectType;
        vm = _vms[capability.Object];
        if (vm.State == VmState.Free || vm.Generation != capability.Generation)
            return HypercallStatus.InvalidCapability;
        return (capability.Rights & (ulong)needed) == (ulong)needed ? HypercallStatus.Success : HypercallStatus.InsufficientRights;
    }

    private HypercallStatus LookupVcpu(ushort caller, ulong slot, VcpuRights needed, out ModelVcpu vcpu)
    {
        vcpu = _vcpus[0];
        ModelCapability[] space = CapabilitiesOf(caller);
        if (!IsValidSlot(space, slot))
            return HypercallStatus.InvalidCapability;
        ModelCapability capability = space[slot];
        if (capability.Type != ObjectType.Vcpu)
            return HypercallStatus.WrongObjectType;
        vcpu = _vcpus[capability.Object];
        if (!vcpu.InUse || vcpu.Generation != capability.Generation)
            return HypercallStatus.InvalidCapability;
        return (capability.Rights & (ulong)needed) == (ulong)needed ? HypercallStatus.Success : HypercallStatus.InsufficientRights;
    }

    // A copy with (rights & mask) in the first free slot, remembered as derived from the source,
    // which must name a live object.
    private HypercallResult CapDerive(ushort caller, ulong slot, ulong mask)
    {
        ModelCapability[] space = CapabilitiesOf(caller);
        if (!IsValidSlot(space, slot) || !IsLive(space[slot]))
            return Fail(HypercallStatus.InvalidCapability);
        int free = FirstFreeSlot(space);
        if (free < 0)
            return Fail(HypercallStatus.OutOfResources);
        space[free] = space[slot] with { Rights = space[slot].Rights & mask, Parent = (int)slot };
        return HypercallResult.Ok((ulong)free);
    }

    private bool IsLive(ModelCapability capability) => capability.Type switch
    {
        ObjectType.Vm => _vms[capability.Object].State != VmState.Free && _vms[capability.Object].Generation == capability.Generation,
        ObjectType.Vcpu => _vcpus[capability.Object].InUse && _vcpus[capability.Object].Generation == capability.Generation,
        _ => false,
    };

    private HypercallResult CapRevoke(ushort caller, ulong slot)
    {
        ModelCapability[] space = CapabilitiesOf(caller);
        if (!IsValidSlot(space, slot))
            return Fail(HypercallStatus.InvalidCapability);
        Revoke(space, (int)slot);
        return HypercallResult.Ok();
    }

    // The slot and, transitively, everything derived from it.
    private static void Revoke(ModelCapability[] space, int slot)
    {
        space[slot] = default;
        for (int i = 0; i < space.Length; i++)
        {
            if (!space[i].IsEmpty && space[i].Parent == slot)
                Revoke(space, i);
        }
    }
}
