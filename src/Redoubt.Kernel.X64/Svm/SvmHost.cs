using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Objects;
using Redoubt.Kernel.Virtualization;
using Redoubt.Kernel.X64.Memory;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Paging;

namespace Redoubt.Kernel.X64.Svm;

// SVM on this CPU: enabled once, with the host save area, the I/O permission map (every port
// intercepted), the MSR permission map (MsrPolicy) and one SvmVcpu per entry of the kernel
// core's vCPU pool. Frames come from the kernel's own table pool (Hypervisor frames). The host
// save area (VM_HSAVE_PA) holds only what VMRUN itself writes there, in the CPU's own format;
// the host's VMSAVE state goes to a frame of its own (HostStateArea).
// Safe: the permission maps are frames just taken from the pool, written within their size;
// the scrub checks read only the vCPUs' own VMCB and XSAVE frames.
internal static unsafe class SvmHost
{
    public const int IopmFrames = 3, MsrpmFrames = 2;

    private static SvmVcpu[]? s_vcpus;

    public static ulong HostSaveArea { get; private set; }

    // Where the world switch VMSAVEs the host's FS, GS, TR, LDTR and syscall MSRs.
    public static ulong HostStateArea { get; private set; }

    public static ulong Iopm { get; private set; }

    public static ulong Msrpm { get; private set; }

    public static uint AsidCount { get; private set; }

    // The guests' CPUID values, filtered once from this CPU's when SVM started.
    public static CpuidTable Cpuid { get; private set; } = null!;


    public static SvmVcpu Vcpu(int poolIndex) => s_vcpus![poolIndex];

    // False (and logged) when the CPU cannot run VMs or the frames do not suffice.
    public static bool Initialize(int vcpuCount, int maxVms)
    {
        if (s_vcpus is not null)
            return true;
        SvmSupport.Features features = SvmSupport.Detect();
        if (!features.Svm || !features.NestedPaging)
            return Refuse("this CPU has no SVM with nested paging (QEMU: -cpu EPYC,+svm,+npt)"u8);
        // ASID 0 is the host's: each VM needs its own of 1..AsidCount-1.
        if ((uint)maxVms >= features.AsidCount)
            return Refuse("more VMs configured than the CPU has ASIDs"u8);
        ulong hostSave = TableFramePool.Allocate(), hostState = TableFramePool.Allocate();
        ulong iopm = TableFramePool.AllocateContiguous(IopmFrames), msrpm = TableFramePool.AllocateContiguous(MsrpmFrames);
        if (hostSave == 0 || hostState == 0 || iopm == 0 || msrpm == 0)
            return Refuse("no frames left for the host save area or the permission maps"u8);
        CpuidTable cpuid = CpuidTable.Build(new HostCpuid());
        var vcpus = new SvmVcpu[vcpuCount];
        for (int i = 0; i < vcpuCount; i++)
        {
            ulong vmcb = TableFramePool.Allocate(), xsave = TableFramePool.Allocate();
            if (vmcb == 0 || xsave == 0)
                return Refuse("no frames left for the VMCBs"u8);
            vcpus[i] = new SvmVcpu(vmcb, xsave, cpuid);
        }
        if (!SvmSupport.Enable(hostSave))
            return Refuse("SVM is disabled by firmware (VM_CR.SVMDIS) or the CPU lacks XSAVE"u8);
        new System.Span<byte>((void*)iopm, IopmFrames * 4096).Fill(0xFF);
        MsrPolicy.FillPermissionMap(new System.Span<byte>((void*)msrpm, MsrpmFrames * 4096));
        HostMsrs.Detect();
        HostSaveArea = hostSave;
        HostStateArea = hostState;
        Iopm = iopm;
        Msrpm = msrpm;
        AsidCount = features.AsidCount;
        Cpuid = cpuid;
        s_vcpus = vcpus;
        Log.Info("svm"u8).Text("SVM revision "u8).Decimal(features.Revision).Text(", "u8).Decimal(features.AsidCount)
            .Text(" ASIDs, XCR0 "u8).Hex(SvmSupport.HostXcr0).Text(", "u8).Decimal((ulong)vcpuCount).Text(" vCPU contexts"u8).End();
        return true;
    }

    // Scrubs the hardware state of every launched vCPU whose pool entry no longer holds that
    // vCPU (its VM was destroyed: the entry is free or holds a newer generation).
    public static void ScrubRetired(KernelCore<RangePhysicalMemory> core)
    {
        for (int i = 0; i < s_vcpus!.Length; i++)
        {
            SvmVcpu hardware = s_vcpus[i];
            VirtualCpu vcpu = core.Vcpus[i];
            if (hardware.Launched && (!vcpu.InUse || vcpu.Generation != hardware.Generation))
                hardware.Scrub();
        }
    }

    // Scrubs the hardware state of the launched vCPUs of a VM that was stopped for good.
    public static void ScrubStopped(KernelCore<RangePhysicalMemory> core, ushort domain)
    {
        for (int i = 0; i < s_vcpus!.Length; i++)
        {
            if (s_vcpus[i].Launched && core.Vcpus[i].InUse && core.Vcpus[i].VmDomain == domain)
                s_vcpus[i].Scrub();
        }
    }

    // True when the hardware state of every vCPU pool entry not holding a live vCPU is zero.
    public static bool AllRetiredScrubbed(KernelCore<RangePhysicalMemory> core)
    {
        for (int i = 0; i < s_vcpus!.Length; i++)
        {
            if (!core.Vcpus[i].InUse && !IsZero(s_vcpus[i]))
                return false;
        }
        return true;
    }

    public static bool HoldsNoGuestState(int poolIndex) => IsZero(s_vcpus![poolIndex]);

    private static bool IsZero(SvmVcpu hardware) =>
        !hardware.Launched && IsZeroFrame(hardware.Vmcb) && IsZeroFrame(hardware.XsaveArea) && hardware.Switch.IsClear;

    private static bool IsZeroFrame(ulong frame)
    {
        ulong* words = (ulong*)frame;
        for (int i = 0; i < 512; i++)
        {
            if (words[i] != 0)
                return false;
        }
        return true;
    }

    private static bool Refuse(System.ReadOnlySpan<byte> reason)
    {
        Log.Error("svm"u8).Text(reason).End();
        return false;
    }
}
