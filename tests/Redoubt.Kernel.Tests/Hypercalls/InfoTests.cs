using System;
using Redoubt.Abi;
using Redoubt.Kernel.Memory;
using Xunit;
using static Redoubt.Kernel.Tests.Hypercalls.CheckedCore;

namespace Redoubt.Kernel.Tests.Hypercalls;

public class InfoTests
{
    private const ulong Buffer = 0x30000; // a Dom0 page of the default machine

    [Fact]
    public void WithoutABufferReturnsTheVersionAndFrameCounts()
    {
        var k = Create();
        HypercallResult result = k.Ok(Dom0, Hypercall.Info);
        Assert.Equal(AbiVersion.Current, result.Result0);
        Assert.Equal(64UL, result.Result1);
        Assert.Equal(12UL, result.Result2);
    }

    [Fact]
    public void TheRecordDescribesAFreshMachine()
    {
        var k = Create();
        k.Ok(Dom0, Hypercall.Info, Buffer, InfoRecord.Size);
        InfoRecord record = k.ReadStruct<InfoRecord>(Buffer);
        Assert.Equal(AbiVersion.Current, record.AbiVersion);
        Assert.Equal(KernelVersion.Number, record.KernelVersion);
        Assert.Equal(1UL, record.CpuCount);
        Assert.Equal(64UL, record.FramesTotal);
        Assert.Equal(12UL, record.FramesFree);
        Assert.Equal(2UL, record.FramesHypervisor);
        Assert.Equal(46UL, record.FramesDom0);
        Assert.Equal(0UL, record.FramesGuestPrivate);
        Assert.Equal(0UL, record.FramesGuestShared);
        Assert.Equal(4UL, record.FramesPageTable);
        Assert.Equal(0UL, record.VmCount);
        Assert.Equal(0UL, record.VcpuCount);
    }

    [Fact]
    public void TheRecordsCountsAddUpAfterEveryKindOfChange()
    {
        var k = Create();
        ulong a = 0, b = 0;
        Action[] steps =
        [
            () => a = k.CreateVm(),
            () => k.Ok(Dom0, Hypercall.MemDonate, a, 0x20000, 4, GuestBase),
            () => b = k.CreateVmWithMemory(0x28000, 2),
            () => k.CreateVcpu(a),
            () => k.CreateVcpu(a),
            () => k.CreateVcpu(b),
            () => k.Ok(k.DomainOf(a), Hypercall.MemShare, 0, GuestBase + Page, 2),
            () => k.Ok(Dom0, Hypercall.MemReclaim, a, GuestBase, 1),
            () => k.Ok(Dom0, Hypercall.VmFinalize, b),
            () => k.Ok(Dom0, Hypercall.VmDestroy, b),
        ];
        (ulong Vms, ulong Vcpus, ulong Private, ulong Shared)[] expected =
        [
            (1, 0, 0, 0), (1, 0, 4, 0), (2, 0, 6, 0), (2, 1, 6, 0), (2, 2, 6, 0), (2, 3, 6, 0),
            (2, 3, 4, 2), (2, 3, 3, 2), (2, 3, 3, 2), (1, 2, 1, 2),
        ];
        for (int i = 0; i < steps.Length; i++)
        {
            steps[i]();
            HypercallResult result = k.Ok(Dom0, Hypercall.Info, Buffer, InfoRecord.Size);
            InfoRecord record = k.ReadStruct<InfoRecord>(Buffer);
            ulong sum = record.FramesFree + record.FramesHypervisor + record.FramesDom0 + record.FramesGuestPrivate
                + record.FramesGuestShared + record.FramesPageTable;
            Assert.Equal(record.FramesTotal, sum);
            Assert.Equal(64UL, record.FramesTotal);
            Assert.Equal(result.Result1, record.FramesTotal);
            Assert.Equal(result.Result2, record.FramesFree);
            Assert.Equal(k.FreeFrames, record.FramesFree);
            Assert.Equal(k.Frames.Count(FrameState.PageTable), record.FramesPageTable);
            Assert.Equal(2UL, record.FramesHypervisor);
            Assert.Equal(expected[i], (record.VmCount, record.VcpuCount, record.FramesGuestPrivate, record.FramesGuestShared));
        }
    }

    [Fact]
    public void WritesOnlyTheRecordIntoALargerBuffer()
    {
        var k = Create();
        k.Fill(Buffer, 1, 0xA0);
        byte[] before = k.ReadPhysical(Buffer, (int)Page);
        k.Ok(Dom0, Hypercall.Info, Buffer, Page);
        byte[] after = k.ReadPhysical(Buffer, (int)Page);
        Assert.Equal(before.AsSpan(InfoRecord.Size).ToArray(), after.AsSpan(InfoRecord.Size).ToArray());
        Assert.Equal(64UL, k.ReadStruct<InfoRecord>(Buffer).FramesTotal);
    }

    [Fact]
    public void WritesARecordThatCrossesAPageBoundary()
    {
        var k = Create();
        ulong address = Buffer + Page - 40;
        k.Ok(Dom0, Hypercall.Info, address, InfoRecord.Size);
        InfoRecord record = k.ReadStruct<InfoRecord>(address);
        Assert.Equal(AbiVersion.Current, record.AbiVersion);
        Assert.Equal(46UL, record.FramesDom0);
        Assert.Equal(4UL, record.FramesPageTable);
    }

    [Fact]
    public void AVmGetsTheRecordInItsOwnMemory()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(0x20000, 2);
        ulong guest = GuestBase + Page + 8;
        k.Ok(k.DomainOf(vm), Hypercall.Info, guest, InfoRecord.Size);
        InfoRecord record = k.ReadStruct<InfoRecord>(k.GuestToPhysical(vm, guest));
        Assert.Equal(1UL, record.VmCount);
        Assert.Equal(2UL, record.FramesGuestPrivate);
    }

    [Theory]
    [InlineData(Buffer, 95UL)]                      // too short
    [InlineData(Buffer, 1UL)]
    [InlineData(Buffer, 0UL)]                       // a buffer without length
    [InlineData(0UL, (ulong)InfoRecord.Size)]       // hypervisor frame 0
    [InlineData(0x1000UL, (ulong)InfoRecord.Size)]  // hypervisor frame 1
    [InlineData(0x2000UL, (ulong)InfoRecord.Size)]  // a free pool frame
    [InlineData(0x11000UL, (ulong)InfoRecord.Size)] // Dom0's root table
    [InlineData(0x11FF0UL, (ulong)InfoRecord.Size)] // starts in a table frame, ends in Dom0's memory
    [InlineData(0x40000UL, (ulong)InfoRecord.Size)] // beyond the machine
    [InlineData(0x3FFD0UL, (ulong)InfoRecord.Size)] // runs off the end of the machine
    [InlineData(0xFFFF_FFFF_FFFF_FFD0UL, (ulong)InfoRecord.Size)] // wraps
    [InlineData(0x0000_8000_0000_0000UL, (ulong)InfoRecord.Size)] // beyond guest-physical space
    [InlineData(0x0001_0000_0003_0000UL, (ulong)InfoRecord.Size)] // would alias Dom0 page 0x30000 in a 48-bit walk
    [InlineData(0xFFFF_8000_0003_0000UL, (ulong)InfoRecord.Size)]
    public void RejectsBuffersOutsideTheCallersMemory(ulong buffer, ulong length)
    {
        var k = Create();
        k.Fails(HypercallStatus.InvalidBuffer, Dom0, Hypercall.Info, buffer, length);
    }

    [Fact]
    public void ADonatedPageIsNoLongerDom0sBuffer()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Buffer, 1);
        k.Fails(HypercallStatus.InvalidBuffer, Dom0, Hypercall.Info, Buffer, InfoRecord.Size);
        k.Fails(HypercallStatus.InvalidBuffer, Dom0, Hypercall.Info, Buffer - 8, InfoRecord.Size);
        k.Ok(Dom0, Hypercall.MemReclaim, vm, GuestBase, 1);
        k.Ok(Dom0, Hypercall.Info, Buffer, InfoRecord.Size);
    }

    [Fact]
    public void AVmsBufferMustBeWritable()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(0x20000, 2);
        ushort domain = k.DomainOf(vm);
        k.Ok(Dom0, Hypercall.VmLoad, vm, GuestBase, Buffer, Page, (ulong)PageMeasureFlags.ReadOnly);
        k.Fails(HypercallStatus.InvalidBuffer, domain, Hypercall.Info, GuestBase, InfoRecord.Size);
        k.Fails(HypercallStatus.InvalidBuffer, domain, Hypercall.Info, GuestBase + Page - 8, InfoRecord.Size);
        k.Fails(HypercallStatus.InvalidBuffer, domain, Hypercall.Info, GuestBase + 2 * Page, InfoRecord.Size);
        k.Ok(domain, Hypercall.Info, GuestBase + Page, InfoRecord.Size);
    }
}
