using System;
using Redoubt.Abi;
using Redoubt.Kernel.Capabilities;
using Xunit;
using static Redoubt.Kernel.Tests.Hypercalls.CheckedCore;

namespace Redoubt.Kernel.Tests.Hypercalls;

// CapDerive, CapRevoke, and how capabilities die with their objects.
public class CapabilityTests
{
    private const ulong Host = 0x20000, Buffer = 0x30000;

    [Fact]
    public void DeriveMasksTheRights()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ulong mask = (ulong)(VmRights.Donate | VmRights.Load | VmRights.Share) | (1UL << 40);
        HypercallResult result = k.Ok(Dom0, Hypercall.CapDerive, vm, mask);
        Capability derived = k.Dom0Capability(result.Result0);
        Assert.Equal((ulong)(VmRights.Donate | VmRights.Load), derived.Rights);
        Assert.Equal((int)vm, derived.Parent);
        Assert.Equal(k.Dom0Capability(vm).ObjectIndex, derived.ObjectIndex);
        Assert.Equal(k.Dom0Capability(vm).Generation, derived.Generation);
        Assert.Equal(ObjectType.Vm, derived.Type);
    }

    [Fact]
    public void ADerivedCapabilityDoesWhatItsRightsAllowAndNothingElse()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ulong loader = k.Derive(vm, (ulong)(VmRights.Donate | VmRights.Load));
        k.Ok(Dom0, Hypercall.MemDonate, loader, Host, 1, GuestBase);
        k.Ok(Dom0, Hypercall.VmLoad, loader, GuestBase, Buffer, Page, 0);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.MemReclaim, loader, GuestBase, 1);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.VmFinalize, loader);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.VcpuCreate, loader);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.VmReport, loader, Buffer, CvmReport.Size);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.VmDestroy, loader);
    }

    [Fact]
    public void DerivationNeverWidensRights()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ulong narrow = k.Derive(vm, (ulong)VmRights.Measure);
        ulong again = k.Derive(narrow, ulong.MaxValue);
        Assert.Equal((ulong)VmRights.Measure, k.Dom0Capability(again).Rights);
        Assert.Equal((int)narrow, k.Dom0Capability(again).Parent);
        ulong none = k.Derive(again, (ulong)VmRights.Destroy);
        Assert.Equal(0UL, k.Dom0Capability(none).Rights);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.VmReport, none, Buffer, CvmReport.Size);
        k.Ok(Dom0, Hypercall.VmReport, again, Buffer, CvmReport.Size);
    }

    [Fact]
    public void VcpuCapabilitiesDeriveToo()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ulong vcpu = k.CreateVcpu(vm);
        ulong setter = k.Derive(vcpu, (ulong)VcpuRights.SetState | (ulong)VmRights.Share);
        Capability derived = k.Dom0Capability(setter);
        Assert.Equal(ObjectType.Vcpu, derived.Type);
        Assert.Equal((ulong)VcpuRights.SetState, derived.Rights);
        k.WriteStruct(Buffer, ValidState());
        k.Ok(Dom0, Hypercall.VcpuSetState, setter, Buffer, VcpuState.Size);
    }

    // Random derivations and revocations in both Dom0's and a VM's space, fixed seed: after each,
    // every capability has at most its parent's rights (checked by the invariant checker, INV-7)
    // and, transitively, at most the rights of the root it came from.
    [Fact]
    public void RandomDerivationChainsNeverWidenRights()
    {
        var k = Create(64, c => { c.CapabilitySlots = 16; return c; });
        ulong vm = k.CreateVm();
        ushort domain = k.DomainOf(vm);
        var random = new Random(20240611);
        for (int step = 0; step < 400; step++)
        {
            ushort caller = random.Next(2) == 0 ? Dom0 : domain;
            CapabilitySpace space = caller == Dom0 ? k.Core.Dom0Capabilities : k.Vm(vm).Capabilities;
            ulong slot = (ulong)random.Next(space.SlotCount);
            ulong root = caller == Dom0 ? (ulong)VmRights.Owner : (ulong)VmRights.All;
            if (slot == 0 || random.Next(4) != 0)
            {
                ulong mask = (ulong)random.NextInt64() | (random.Next(2) == 0 ? ulong.MaxValue : 0);
                HypercallResult result = k.Call(caller, Hypercall.CapDerive, slot, mask);
                if (space.Get(slot).IsEmpty && result.Status != HypercallStatus.OutOfResources)
                    Assert.Equal(HypercallStatus.InvalidCapability, result.Status);
                if (result.Status == HypercallStatus.Success)
                {
                    Capability derived = space.Get(result.Result0);
                    Assert.Equal(space.Get(slot).Rights & mask, derived.Rights);
                }
            }
            else
            {
                k.Call(caller, Hypercall.CapRevoke, slot);
            }
            foreach (Capability capability in space.Slots)
                Assert.Equal(0UL, capability.Rights & ~root);
        }
    }

    [Fact]
    public void DeriveChecksItsSourceAndSpace()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.CapDerive, 1, ulong.MaxValue);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.CapDerive, 8, ulong.MaxValue);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.CapDerive, ulong.MaxValue, ulong.MaxValue);
        for (int i = 1; i < 8; i++)
            k.Derive(vm, ulong.MaxValue);
        k.Fails(HypercallStatus.OutOfResources, Dom0, Hypercall.CapDerive, vm, ulong.MaxValue);
        k.Fails(HypercallStatus.OutOfResources, Dom0, Hypercall.CapDerive, 7, 0);
    }

    [Fact]
    public void RevokeRemovesTheSlotAndEveryDescendant()
    {
        var k = Create(64, c => { c.CapabilitySlots = 12; return c; });
        ulong vm = k.CreateVm();                                // 0
        ulong a = k.Derive(vm, ulong.MaxValue);                 // 1 <- 0
        ulong a1 = k.Derive(a, (ulong)VmRights.Measure);        // 2 <- 1
        ulong a11 = k.Derive(a1, ulong.MaxValue);               // 3 <- 2
        ulong a2 = k.Derive(a, (ulong)VmRights.Load);           // 4 <- 1
        ulong b = k.Derive(vm, (ulong)VmRights.Measure);        // 5 <- 0
        ulong b1 = k.Derive(b, ulong.MaxValue);                 // 6 <- 5
        ulong vcpu = k.CreateVcpu(vm);                          // 7

        k.Ok(Dom0, Hypercall.CapRevoke, a);

        foreach (ulong gone in new[] { a, a1, a11, a2 })
        {
            Assert.True(k.Dom0Capability(gone).IsEmpty, $"slot {gone} survived");
            k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.VmReport, gone, Buffer, CvmReport.Size);
        }
        foreach (ulong kept in new[] { vm, b, b1, vcpu })
            Assert.False(k.Dom0Capability(kept).IsEmpty, $"slot {kept} was revoked");
        k.Ok(Dom0, Hypercall.VmReport, b1, Buffer, CvmReport.Size);

        // Revoking the root takes every derived capability, but not the VM or its vCPUs.
        k.Ok(Dom0, Hypercall.CapRevoke, vm);
        for (ulong slot = 0; slot < 7; slot++)
            Assert.True(k.Dom0Capability(slot).IsEmpty);
        Assert.False(k.Dom0Capability(vcpu).IsEmpty);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.VmDestroy, vm);
    }

    [Fact]
    public void ARevokedSlotIsReusedWithoutInheritingDescendants()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ulong a = k.Derive(vm, (ulong)VmRights.Measure);
        k.Ok(Dom0, Hypercall.CapRevoke, a);
        ulong b = k.Derive(vm, (ulong)VmRights.Load);
        Assert.Equal(a, b);
        ulong c = k.Derive(b, ulong.MaxValue);
        Assert.Equal((ulong)VmRights.Load, k.Dom0Capability(c).Rights);
        k.Ok(Dom0, Hypercall.CapRevoke, b);
        Assert.True(k.Dom0Capability(c).IsEmpty);
        Assert.False(k.Dom0Capability(vm).IsEmpty);
    }

    [Fact]
    public void RevokeChecksTheSlot()
    {
        var k = Create();
        k.CreateVm();
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.CapRevoke, 1);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.CapRevoke, 8);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.CapRevoke, ulong.MaxValue);
    }

    [Fact]
    public void AVmsSpaceIsItsOwn()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 1);
        ushort domain = k.DomainOf(vm);
        ulong derived = k.Derive(0, (ulong)VmRights.Measure, domain);
        Assert.Equal(1UL, derived);
        Assert.Equal(0, k.Vm(vm).Capabilities.Get(derived).Parent);
        Assert.True(k.Dom0Capability(1).IsEmpty);
        // Revoking its own capability, the VM loses the ability to share.
        k.Ok(domain, Hypercall.CapRevoke, 0);
        Assert.True(k.Vm(vm).Capabilities.Get(derived).IsEmpty);
        k.Fails(HypercallStatus.InvalidCapability, domain, Hypercall.MemShare, 0, GuestBase, 1);
        // Dom0's capability is unaffected.
        k.Ok(Dom0, Hypercall.VmReport, vm, Buffer, CvmReport.Size);
    }

    // Destroy empties every slot naming the VM; should a stale copy survive anyway, the generation
    // check still rejects it, also after the pool entry is reused by a new VM or vCPU.
    [Fact]
    public void AStaleCapabilityIsRejectedByItsGeneration()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ulong vcpu = k.CreateVcpu(vm);
        Capability staleVm = k.Dom0Capability(vm);
        Capability staleVcpu = k.Dom0Capability(vcpu);
        k.Ok(Dom0, Hypercall.VmDestroy, vm);
        ulong again = k.CreateVm();
        k.CreateVcpu(again);
        Assert.Equal(staleVm.ObjectIndex, k.Dom0Capability(again).ObjectIndex);

        k.Core.Dom0Capabilities.Put(5, staleVm);
        k.Core.Dom0Capabilities.Put(6, staleVcpu);
        k.WriteStruct(Buffer, ValidState());
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.VmDestroy, 5);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.MemDonate, 5, Host, 1, GuestBase);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.VmReport, 5, Buffer, CvmReport.Size);
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.VcpuSetState, 6, Buffer, VcpuState.Size);
    }
}
