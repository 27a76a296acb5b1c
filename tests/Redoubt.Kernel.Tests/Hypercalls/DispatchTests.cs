using Redoubt.Abi;
using Xunit;
using static Redoubt.Kernel.Tests.Hypercalls.CheckedCore;

namespace Redoubt.Kernel.Tests.Hypercalls;

// Dispatch itself: hypercall numbers, calling domains, and capability slots every call checks first.
public class DispatchTests
{
    [Theory]
    [InlineData(0x01UL)]
    [InlineData(0x0FUL)]
    [InlineData(0x1CUL)]
    [InlineData(0x22UL)]
    [InlineData(0x1_0000_0010UL)]
    [InlineData(ulong.MaxValue)]
    public void UnknownNumbersAreRejected(ulong number)
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(0x20000, 1);
        k.Fails(HypercallStatus.UnknownHypercall, Dom0, (Hypercall)number, vm);
        k.Fails(HypercallStatus.UnknownHypercall, k.DomainOf(vm), (Hypercall)number, 0);
    }

    [Theory]
    [InlineData((ushort)1)]
    [InlineData((ushort)2)]
    [InlineData((ushort)3)]
    [InlineData(ushort.MaxValue)]
    public void CallersThatAreNoLiveDomainAreRejected(ushort caller)
    {
        var k = Create();
        k.Fails(HypercallStatus.InvalidCapability, caller, Hypercall.Info);
        k.Fails(HypercallStatus.InvalidCapability, caller, Hypercall.VmCreate);
    }

    [Fact]
    public void ADestroyedVmCanNoLongerCall()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ushort domain = k.DomainOf(vm);
        k.Ok(domain, Hypercall.Info);
        k.Ok(Dom0, Hypercall.VmDestroy, vm);
        k.Fails(HypercallStatus.InvalidCapability, domain, Hypercall.Info);
        k.Fails(HypercallStatus.InvalidCapability, domain, Hypercall.CapDerive, 0, ulong.MaxValue);
    }

    public static TheoryData<Hypercall> SlotCalls => new TheoryData<Hypercall>
    {
        Hypercall.VmDestroy, Hypercall.MemDonate, Hypercall.MemReclaim, Hypercall.VmLoad, Hypercall.VmFinalize,
        Hypercall.VcpuCreate, Hypercall.VcpuSetState, Hypercall.MemShare, Hypercall.MemUnshare, Hypercall.VcpuRun,
        Hypercall.VmReport, Hypercall.CapDerive, Hypercall.CapRevoke,
    };

    // Slot out of range (8 slots), empty, or far out: InvalidCapability before any argument is looked at.
    [Theory]
    [MemberData(nameof(SlotCalls))]
    public void BadSlotsAreInvalidCapabilities(Hypercall call)
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(0x20000, 4);
        k.CreateVcpu(vm);
        foreach (ulong slot in new[] { 2UL, 7UL, 8UL, 99UL, 1UL << 32, ulong.MaxValue })
        {
            k.Fails(HypercallStatus.InvalidCapability, Dom0, call, slot, 0x20000, 1, GuestBase, 0);
            k.Fails(HypercallStatus.InvalidCapability, k.DomainOf(vm), call, slot, GuestBase, 1, 0, 0);
        }
    }
}
