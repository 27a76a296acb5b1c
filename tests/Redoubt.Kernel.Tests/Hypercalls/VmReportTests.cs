using System;
using System.Runtime.InteropServices;
using Redoubt.Abi;
using Xunit;
using static Redoubt.Kernel.Tests.Hypercalls.CheckedCore;

namespace Redoubt.Kernel.Tests.Hypercalls;

public class VmReportTests
{
    private const ulong Host = 0x20000, Source = 0x30000, Buffer = 0x38000;

    // The bytes the kernel writes and where ReportData sits, as the structure lays them out.
    private static readonly int ReportBytes = Marshal.SizeOf<CvmReport>();
    private static readonly ulong ReportDataOffset = (ulong)Marshal.OffsetOf<CvmReport>(nameof(CvmReport.ReportData));

    private static byte[] Nonce(byte seed)
    {
        var nonce = new byte[ReportData.Size];
        for (int i = 0; i < nonce.Length; i++)
            nonce[i] = (byte)(seed + 3 * i);
        return nonce;
    }

    private static void PlaceRequest(CheckedCore k, ulong address, byte[] nonce)
    {
        k.Fill(address & ~(Page - 1), 1, 0xEE); // junk everywhere else in the caller's buffer
        k.WritePhysical(address + ReportDataOffset, nonce);
    }

    private static byte[] Bytes<T>(T value) where T : unmanaged =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)).ToArray();

    [Fact]
    public void CarriesTheSealedDigestAndTheCallersReportData()
    {
        var k = Create();
        k.Fill(Source, 1, 0x13);
        ulong vm = k.CreateVmWithMemory(Host, 2);
        k.Ok(Dom0, Hypercall.VmLoad, vm, GuestBase, Source, Page, (ulong)PageMeasureFlags.Executable);
        k.CreateVcpu(vm);
        k.CreateVcpu(vm);
        k.Ok(Dom0, Hypercall.VmFinalize, vm);
        byte[] nonce = Nonce(9);
        PlaceRequest(k, Buffer, nonce);

        k.Ok(Dom0, Hypercall.VmReport, vm, Buffer, CvmReport.Size);

        CvmReport report = k.ReadStruct<CvmReport>(Buffer);
        Assert.Equal(CvmReport.CurrentVersion, report.Version);
        Assert.Equal((uint)ReportPolicy.Finalized, report.Policy);
        Assert.Equal(KernelVersion.Number, report.KernelVersion);
        Assert.Equal(KernelVersion.SecurityVersion, report.KernelSecurityVersion);
        Assert.Equal(2UL, report.VcpuCount);
        byte[] expected = new ExpectedMeasurement()
            .Page(GuestBase, PageMeasureFlags.Executable, k.ReadPhysical(Source, (int)Page))
            .Vcpu(0, default).Vcpu(1, default).Finish(2);
        Assert.Equal(expected, Bytes(report.LaunchMeasurement));
        Assert.Equal(((ReadOnlySpan<byte>)k.Vm(vm).LaunchDigest).ToArray(), Bytes(report.LaunchMeasurement));
        Assert.Equal(new byte[Digest384.Size], Bytes(report.VmmMeasurement));
        Assert.Equal(nonce, Bytes(report.ReportData));
    }

    [Fact]
    public void BeforeFinalizeThereIsNoDigestAndNoFinalizedPolicy()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 1);
        k.Ok(Dom0, Hypercall.VmLoad, vm, GuestBase, Source, Page, 0);
        k.CreateVcpu(vm);
        PlaceRequest(k, Buffer, Nonce(1));
        k.Ok(Dom0, Hypercall.VmReport, vm, Buffer, CvmReport.Size);
        CvmReport report = k.ReadStruct<CvmReport>(Buffer);
        Assert.Equal(0U, report.Policy);
        Assert.Equal(1UL, report.VcpuCount);
        Assert.Equal(new byte[Digest384.Size], Bytes(report.LaunchMeasurement));
        Assert.Equal(Nonce(1), Bytes(report.ReportData));
    }

    [Fact]
    public void WritesOnlyTheReportAndHandlesABufferAcrossPages()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        k.Ok(Dom0, Hypercall.VmFinalize, vm);
        ulong address = Buffer + Page - 100;
        k.Fill(Buffer + Page, 1, 0x77);
        PlaceRequest(k, address, Nonce(5));
        byte[] tail = k.ReadPhysical(address + (ulong)ReportBytes, 200);
        k.Ok(Dom0, Hypercall.VmReport, vm, address, Page);
        Assert.Equal(tail, k.ReadPhysical(address + (ulong)ReportBytes, 200));
        CvmReport report = k.ReadStruct<CvmReport>(address);
        Assert.Equal(Nonce(5), Bytes(report.ReportData));
        Assert.Equal(new ExpectedMeasurement().Finish(0), Bytes(report.LaunchMeasurement));
    }

    [Fact]
    public void AVmCanReportOnItselfIntoItsOwnMemory()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 2);
        ushort domain = k.DomainOf(vm);
        k.Ok(Dom0, Hypercall.VmFinalize, vm);
        PlaceRequest(k, Host + Page + 16, Nonce(77));
        k.Ok(domain, Hypercall.VmReport, 0, GuestBase + Page + 16, CvmReport.Size);
        CvmReport report = k.ReadStruct<CvmReport>(Host + Page + 16);
        Assert.Equal(Nonce(77), Bytes(report.ReportData));
        Assert.Equal(((ReadOnlySpan<byte>)k.Vm(vm).LaunchDigest).ToArray(), Bytes(report.LaunchMeasurement));
    }

    [Fact]
    public void ReportsOnTwoVmsDifferOnlyWhereTheVmsDo()
    {
        var k = Create();
        ulong a = k.CreateVmWithMemory(Host, 1);
        ulong b = k.CreateVmWithMemory(Host + Page, 1);
        k.Ok(Dom0, Hypercall.VmFinalize, a);
        k.Ok(Dom0, Hypercall.VmFinalize, b);
        PlaceRequest(k, Buffer, Nonce(2));
        k.Ok(Dom0, Hypercall.VmReport, a, Buffer, CvmReport.Size);
        byte[] first = k.ReadPhysical(Buffer, ReportBytes);
        PlaceRequest(k, Buffer, Nonce(2));
        k.Ok(Dom0, Hypercall.VmReport, b, Buffer, CvmReport.Size);
        Assert.Equal(first, k.ReadPhysical(Buffer, ReportBytes));
    }

    [Theory]
    [InlineData(Buffer, (ulong)CvmReport.Size - 1)]
    [InlineData(Buffer, 0UL)]
    [InlineData(0x0UL, (ulong)CvmReport.Size)]
    [InlineData(0x11000UL, (ulong)CvmReport.Size)]
    [InlineData(0x3FF80UL, (ulong)CvmReport.Size)]
    [InlineData(0x40000UL, (ulong)CvmReport.Size)]
    [InlineData(0xFFFF_FFFF_FFFF_FF80UL, (ulong)CvmReport.Size)]
    [InlineData(0x0001_0000_0003_8000UL, (ulong)CvmReport.Size)]
    [InlineData(Host, (ulong)CvmReport.Size)]
    public void RejectsBuffersOutsideTheCallersMemory(ulong buffer, ulong length)
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 1);
        k.Ok(Dom0, Hypercall.VmFinalize, vm);
        k.Fails(HypercallStatus.InvalidBuffer, Dom0, Hypercall.VmReport, vm, buffer, length);
    }

    [Fact]
    public void AVmsReportBufferMustBeWritable()
    {
        var k = Create();
        ulong vm = k.CreateVmWithMemory(Host, 2);
        ushort domain = k.DomainOf(vm);
        k.Ok(Dom0, Hypercall.VmLoad, vm, GuestBase, Source, Page, (ulong)PageMeasureFlags.ReadOnly);
        k.Fails(HypercallStatus.InvalidBuffer, domain, Hypercall.VmReport, 0, GuestBase, CvmReport.Size);
        k.Fails(HypercallStatus.InvalidBuffer, domain, Hypercall.VmReport, 0, GuestBase + Page - 16, CvmReport.Size);
        k.Ok(domain, Hypercall.VmReport, 0, GuestBase + Page, CvmReport.Size);
    }

    [Fact]
    public void CapabilityProblemsComeFirst()
    {
        var k = Create();
        ulong vm = k.CreateVm();
        ulong vcpu = k.CreateVcpu(vm);
        ulong weak = k.Derive(vm, (ulong)(VmRights.Owner & ~VmRights.Measure));
        k.Fails(HypercallStatus.InvalidCapability, Dom0, Hypercall.VmReport, 4, Buffer, CvmReport.Size);
        k.Fails(HypercallStatus.WrongObjectType, Dom0, Hypercall.VmReport, vcpu, Buffer, CvmReport.Size);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.VmReport, weak, Buffer, CvmReport.Size);
        k.Fails(HypercallStatus.InsufficientRights, Dom0, Hypercall.VmReport, weak, 0, 0);
        ulong measure = k.Derive(vm, (ulong)VmRights.Measure);
        k.Ok(Dom0, Hypercall.VmReport, measure, Buffer, CvmReport.Size);
    }
}
