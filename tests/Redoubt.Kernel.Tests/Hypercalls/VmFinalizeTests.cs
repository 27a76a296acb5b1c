using System;
using Redoubt.Abi;
using Redoubt.Kernel.Objects;
using Xunit;
using static Redoubt.Kernel.Tests.Hypercalls.CheckedCore;

namespace Redoubt.Kernel.Tests.Hypercalls;

public class VmFinalizeTests
{
    private const ulong Host = 0x20000, Source = 0x30000, Buffer = 0x38000;

    [Fact]
    public void SealsTheMeasurement()
    {
        var k = Create();
        k.Fill(Source, 1, 0x42);
        ulong vm = k.CreateVmWithMemory(Host, 2);
        k.Ok(Dom0, Hypercall.VmLoad, vm, GuestBase, Source, Page, (ulong)PageMeasureFlags.Executable);
        ulong vcpu = k.CreateVcpu(vm);
        VcpuState state = ValidState(GuestBase);
        k.WriteStruct(Buffer, state);
        k.Ok(Dom0, Hypercall.VcpuSetState, vcpu, Buffer, VcpuState.Size);
        Assert.True(IsZero(k.Vm(vm).LaunchDigest));

        k.Ok(Dom0, Hypercall.VmFinalize, vm);

        Assert.Equal(VmState.Finalized, k.Vm(vm).State);
        byte[] expected = new ExpectedMeasurement()
            .Page(GuestBase, PageMeasureFlags.Executable, k.ReadPhysical(Source, (int)Page))
            .Vcpu(0, state)
            .Finish(1);
        Assert.Equal(expected, ((ReadOnlySpan<byte>)k.Vm(vm).LaunchDigest).ToArray());
    }

    [Fact]
    public void AVmWithNothingLoadedHasTheEmptyLaunchDigest()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        k.Ok(Dom0, Hypercall.VmFinalize, vm);
        Assert.Equal(new ExpectedMeasurement().Finish(0), ((ReadOnlySpan<byte>)k.Vm(vm).LaunchDigest).ToArray());
    }

    [Fact]
    public void AfterFinalizeNoImageOrRegisterChangesAreAccepted()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 2);
        ulong vcpu = k.CreateVcpu(vm);
        k.WriteStruct(Buffer, ValidState());
        k.Ok(Dom0, Hypercall.VmFinalize, vm);

        k.Fails(HypercallStatus.InvalidState, Dom0, Hypercall.VmFinalize, vm);
        k.Fails(HypercallStatus.InvalidState, Dom0, Hypercall.VmLoad, vm, GuestBase, Source, Page, 0);
        k.Fails(HypercallStatus.InvalidState, Dom0, Hypercall.VcpuCreate, vm);
        k.Fails(HypercallStatus.InvalidState, Dom0, Hypercall.VcpuSetState, vcpu, Buffer, VcpuState.Size);
        k.Fails(HypercallStatus.InvalidState, k.DomainOf(vm), Hypercall.VmFinalize, 0);
        k.Fails(HypercallStatus.InvalidState, k.DomainOf(vm), Hypercall.VcpuCreate, 0);
    }

    [Fact]
    public void AfterFinalizeMemoryReportsAndRunsAreStillAccepted()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 2);
        ulong vcpu = k.CreateVcpu(vm);
        k.Ok(Dom0, Hypercall.VmFinalize, vm);
        byte[] digest = ((ReadOnlySpan<byte>)k.Vm(vm).LaunchDigest).ToArray();

        k.Ok(Dom0, Hypercall.MemDonate, vm, 0x30000, 1, 0x100000);
        k.Ok(k.DomainOf(vm), Hypercall.MemShare, 0, GuestBase, 1);
        k.Ok(Dom0, Hypercall.MemReclaim, vm, GuestBase + Page, 1);
        k.Ok(Dom0, Hypercall.VmReport, vm, Buffer, CvmReport.Size);
        k.Fails(HypercallStatus.NotImplemented, Dom0, Hypercall.VcpuRun, vcpu, Buffer, ExitMessage.Size);
        Assert.Equal(digest, ((ReadOnlySpan<byte>)k.Vm(vm).LaunchDigest).ToArray());
    }

    [Fact]
    public void CapabilityProblemsComeFirst()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ulong vcpu = k.CreateVcpu(vm);
        ulong weak = k.Derive(vm, (ulong)(VmRights.Owner & ~VmRights.Finalize));
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.VmFinalize, 3);
        k.Fails(HypercallStatus.WrongObjectType, Dom0, Hypercall.VmFinalize, vcpu);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.VmFinalize, weak);
        k.Fails(HypercallStatus.InvalidCapability, k.DomainOf(vm), Hypercall.VmFinalize, 1);
        ulong strong = k.Derive(vm, (ulong)VmRights.Finalize);
        k.Ok(Dom0, Hypercall.VmFinalize, strong);
        k.Fails(HypercallStatus.InvalidState, Dom0, Hypercall.VmFinalize, vm);
    }

    private static bool IsZero(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept((byte)0) < 0;
}
