using Redoubt.Abi;
using Redoubt.Kernel.Capabilities;

namespace Redoubt.Kernel.Hypercalls;

public sealed partial class KernelCore<TPhysical>
{
    // A copy of a capability with at most its rights, recorded as derived from it.
    private HypercallResult CapDerive(ushort caller, ulong slot, ulong rightsMask)
    {
        CapabilitySpace space = CapabilitiesOf(caller);
        if (!space.IsValidSlot(slot))
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

    private HypercallResult CapRevoke(ushort caller, ulong slot)
    {
        CapabilitySpace space = CapabilitiesOf(caller);
        if (!space.IsValidSlot(slot))
            return HypercallResult.Fail(HypercallStatus.InvalidCapability);
        space.Revoke((int)slot);
        return HypercallResult.Ok();
    }
}
