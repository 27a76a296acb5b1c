using Redoubt.Abi;
using Redoubt.Kernel.Capabilities;

namespace Redoubt.Kernel.Hypercalls;

public sealed partial class KernelCore<TPhysical>
{
    // A copy of a capability with at most its rights, recorded as derived from it.
    private HypercallResult CapDerive(ushort caller, ulong slot, ulong rightsMask)
    {
        CapabilitySpace space = CapabilitiesOf(caller);
        if (!space.IsValidSlot(slot) || !IsLive(space.Get(slot)))
            return HypercallResult.Fail(HypercallStatus.InvalidCapability);
        int free = space.FindFreeSlot();
        if (free < 0)
            return HypercallResult.Fail(HypercallStatus.OutOfResources);
        Capability source = space.Get(slot);
        Capability derived = source;
        derived.Rights = source.Rights & rightsMask;
        derived.Parent = (int)slot;
        space.Put(free, derived);
        return HypercallResult.Ok((ulong)free);
    }

    // The object a capability names still exists and is the one it was made for.
    private bool IsLive(Capability capability) => capability.Type switch
    {
        ObjectType.Vm => _vms[capability.ObjectIndex].State != Objects.VmState.Free && _vms[capability.ObjectIndex].Generation == capability.Generation,
        ObjectType.Vcpu => _vcpus[capability.ObjectIndex].InUse && _vcpus[capability.ObjectIndex].Generation == capability.Generation,
        _ => false,
    };

    private HypercallResult CapRevoke(ushort caller, ulong slot)
    {
        CapabilitySpace space = CapabilitiesOf(caller);
        if (!space.IsValidSlot(slot))
            return HypercallResult.Fail(HypercallStatus.InvalidCapability);
        space.Revoke((int)slot);
        return HypercallResult.Ok();
    }
}
