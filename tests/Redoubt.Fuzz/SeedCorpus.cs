using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Redoubt.Abi;

namespace Redoubt.Fuzz;

// The seed corpus (`--make-corpus DIR` writes it; corpus/ holds a copy): every hypercall in a
// valid setup sequence, plus the refusals next to it, on every machine shape. Slots: Dom0's
// first VmCreate returns slot 0, later capabilities take the next free slots; a VM's own space
// holds its self capability (VmRights.All) in slot 0.
public static class SeedCorpus
{
    private const ushort Dom0 = 0;
    private const ushort Vm1 = 1;
    private const ushort Vm2 = 2;
    private const ulong Page = 4096;
    // On the default machine (32 frames, 2 hypervisor frames, 12 table-pool frames) Dom0 owns
    // frames 14-31; its last page serves as the buffer page.
    private const ulong Dom0First = 14 * Page;
    private const ulong Scratch = 31 * Page;
    private const ulong Exec = (ulong)PageMeasureFlags.Executable;

    public static IEnumerable<(string Name, byte[] Input)> All()
    {
        yield return ("info", New().Call(Dom0, Hypercall.Info).ToArray());
        yield return ("info-record", New()
            .CallWithBuffer(Dom0, Hypercall.Info, Pattern(16, 0xEE), Scratch, InfoRecord.Size).ToArray());
        yield return ("info-record-refused", New()
            .Call(Dom0, Hypercall.Info, Scratch, InfoRecord.Size - 1)
            .Call(Dom0, Hypercall.Info, Page, InfoRecord.Size)
            .Call(Dom0, Hypercall.Info, Scratch + Page - 16, InfoRecord.Size)
            .Call(Dom0, Hypercall.Info, 0, InfoRecord.Size)
            .Call(Dom0, Hypercall.Info, ulong.MaxValue - 15, InfoRecord.Size).ToArray());

        yield return ("vm-create-destroy", New()
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.VmDestroy, 0).ToArray());
        yield return ("vm-create-until-full", New()
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.VmDestroy, 1)
            .Call(Dom0, Hypercall.VmCreate).ToArray());
        yield return ("vm-destroy-stale", New()
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.CapDerive, 0, (ulong)VmRights.Destroy)
            .Call(Dom0, Hypercall.VmDestroy, 0)
            .Call(Dom0, Hypercall.VmDestroy, 1)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.VmDestroy, 0).ToArray());

        yield return ("donate", Created().Call(Dom0, Hypercall.MemDonate, 0, Dom0First, 4, 0).ToArray());
        yield return ("donate-top-of-guest-space", Created()
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First, 1, 0x0000_8000_0000_0000 - Page)
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First + Page, 1, 0x0000_8000_0000_0000).ToArray());
        yield return ("donate-refused", Created()
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First + 1, 1, 0)
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First, 0, 0)
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First, 1, 0x123)
            .Call(Dom0, Hypercall.MemDonate, 0, ulong.MaxValue - Page + 1, 2, 0)
            .Call(Dom0, Hypercall.MemDonate, 0, Page, 1, 0)
            .Call(Dom0, Hypercall.MemDonate, 0, 3 * Page, 1, 0)
            .Call(Dom0, Hypercall.MemDonate, 0, 30 * Page, 4, 0)
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First, 64, 0)
            .Call(Dom0, Hypercall.MemDonate, 5, Dom0First, 1, 0).ToArray());
        yield return ("donate-already-mapped", Created()
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First, 2, 0)
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First + 2 * Page, 2, Page)
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First, 1, 0x10000).ToArray());
        yield return ("donate-until-table-pool-empty", Created()
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First, 1, 0)
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First + Page, 1, 1UL << 39)
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First + 2 * Page, 1, 1UL << 30)
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First + 3 * Page, 1, 1UL << 21)
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First + 4 * Page, 1, Page).ToArray());
        yield return ("donate-two-vms", Created()
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First, 1, 0)
            .Call(Dom0, Hypercall.MemDonate, 1, Dom0First, 1, 0)
            .Call(Dom0, Hypercall.MemDonate, 1, Dom0First + Page, 1, 0)
            .Call(Dom0, Hypercall.VmDestroy, 0)
            .Call(Dom0, Hypercall.MemDonate, 1, Dom0First, 1, Page).ToArray());

        yield return ("reclaim", Donated(4)
            .Call(Dom0, Hypercall.MemReclaim, 0, Page, 2)
            .Call(Dom0, Hypercall.MemReclaim, 0, 0, 1)
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First, 1, 0).ToArray());
        yield return ("reclaim-refused", Donated(2)
            .Call(Dom0, Hypercall.MemReclaim, 0, Page, 2)
            .Call(Dom0, Hypercall.MemReclaim, 0, 0x10000, 1)
            .Call(Dom0, Hypercall.MemReclaim, 0, 1, 1)
            .Call(Dom0, Hypercall.MemReclaim, 0, 0, 0)
            .Call(Dom0, Hypercall.MemReclaim, 0, ulong.MaxValue - Page + 1, 2).ToArray());

        yield return ("load-finalize", Donated(2)
            .CallWithBuffer(Dom0, Hypercall.VmLoad, Pattern(200, 0x90), 0, 0, Scratch, Page, Exec)
            .Call(Dom0, Hypercall.VmFinalize, 0)
            .Call(Dom0, Hypercall.VmLoad, 0, Page, Scratch, Page, 0)
            .Call(Dom0, Hypercall.VmFinalize, 0).ToArray());
        yield return ("load-flags", Donated(4)
            .Call(Dom0, Hypercall.VmLoad, 0, 0, Scratch, Page, (ulong)PageMeasureFlags.ReadOnly)
            .Call(Dom0, Hypercall.VmLoad, 0, Page, Scratch - Page, 2 * Page, (ulong)PageMeasureFlags.All)
            .Call(Dom0, Hypercall.VmLoad, 0, 0, Scratch, Page, 4)
            .Call(Dom0, Hypercall.VmLoad, 0, 0, Scratch, 100, 0)
            .Call(Dom0, Hypercall.VmLoad, 0, 3 * Page, Scratch, 2 * Page, 0)
            .Call(Dom0, Hypercall.VmLoad, 0, 0, Page, Page, 0)
            .Call(Dom0, Hypercall.VmLoad, 0, 0, Dom0First, Page, 0).ToArray());

        yield return ("vcpu-create-set-state", Created()
            .Call(Dom0, Hypercall.VcpuCreate, 0)
            .CallWithBuffer(Dom0, Hypercall.VcpuSetState, ValidVcpuState(), 1, Scratch, VcpuState.Size).ToArray());
        yield return ("vcpu-set-state-refused", Created()
            .Call(Dom0, Hypercall.VcpuCreate, 0)
            .CallWithBuffer(Dom0, Hypercall.VcpuSetState, VcpuStateWith(rip: 0x1000, rflags: 0), 1, Scratch, VcpuState.Size)
            .CallWithBuffer(Dom0, Hypercall.VcpuSetState, VcpuStateWith(rip: 0x0000_8000_0000_0000, rflags: 2), 1, Scratch, VcpuState.Size)
            .CallWithBuffer(Dom0, Hypercall.VcpuSetState, VcpuStateWith(rip: 0x1000, rflags: 2 | 1UL << 22), 1, Scratch, VcpuState.Size)
            .Call(Dom0, Hypercall.VcpuSetState, 1, Scratch, VcpuState.Size - 1)
            .Call(Dom0, Hypercall.VcpuSetState, 1, Scratch + Page - 100, VcpuState.Size)
            .Call(Dom0, Hypercall.VcpuSetState, 0, Scratch, VcpuState.Size).ToArray());
        yield return ("vcpu-create-until-full", Created()
            .Call(Dom0, Hypercall.VcpuCreate, 0)
            .Call(Dom0, Hypercall.VcpuCreate, 0)
            .Call(Dom0, Hypercall.VcpuCreate, 0)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.VcpuCreate, 3).ToArray());
        yield return ("vcpu-run", Created()
            .Call(Dom0, Hypercall.VcpuCreate, 0)
            .Call(Dom0, Hypercall.VcpuRun, 1, Scratch, ExitMessage.Size)
            .Call(Dom0, Hypercall.VmFinalize, 0)
            .Call(Dom0, Hypercall.VcpuRun, 1, Scratch, ExitMessage.Size)
            .Call(Dom0, Hypercall.VcpuRun, 1, Scratch, ExitMessage.Size - 1)
            .Call(Dom0, Hypercall.VcpuSetState, 1, Scratch, VcpuState.Size).ToArray());

        yield return ("finalize-report", Donated(2)
            .CallWithBuffer(Dom0, Hypercall.VmLoad, Pattern(64, 0xF4), 0, 0, Scratch, Page, Exec)
            .Call(Dom0, Hypercall.VcpuCreate, 0)
            .CallWithBuffer(Dom0, Hypercall.VcpuSetState, ValidVcpuState(), 1, Scratch, VcpuState.Size)
            .Call(Dom0, Hypercall.VmFinalize, 0)
            .CallWithBuffer(Dom0, Hypercall.VmReport, ReportRequest(), 0, Scratch, CvmReport.Size).ToArray());
        yield return ("report-refused", Created()
            .CallWithBuffer(Dom0, Hypercall.VmReport, ReportRequest(), 0, Scratch, CvmReport.Size)
            .Call(Dom0, Hypercall.VmReport, 0, Scratch, CvmReport.Size - 1)
            .Call(Dom0, Hypercall.VmReport, 0, Scratch + Page - 8, CvmReport.Size)
            .Call(Dom0, Hypercall.CapDerive, 0, (ulong)VmRights.Load)
            .Call(Dom0, Hypercall.VmReport, 1, Scratch, CvmReport.Size).ToArray());
        yield return ("destroy-loaded-vm", Donated(4)
            .CallWithBuffer(Dom0, Hypercall.VmLoad, Pattern(255, 0x11), 0, 0, Scratch, Page, Exec)
            .Call(Dom0, Hypercall.VcpuCreate, 0)
            .Call(Dom0, Hypercall.VcpuCreate, 0)
            .CallWithBuffer(Dom0, Hypercall.VcpuSetState, ValidVcpuState(), 2, Scratch, VcpuState.Size)
            .Call(Dom0, Hypercall.VmFinalize, 0)
            .Call(Dom0, Hypercall.VmDestroy, 0)
            .Call(Dom0, Hypercall.VcpuSetState, 1, Scratch, VcpuState.Size)
            .Call(Dom0, Hypercall.Info, Scratch, InfoRecord.Size).ToArray());
        yield return ("reclaim-after-finalize", Donated(4)
            .Call(Dom0, Hypercall.VmFinalize, 0)
            .Call(Dom0, Hypercall.MemReclaim, 0, 0, 4)
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First, 1, 0)
            .Call(Dom0, Hypercall.VmLoad, 0, 0, Scratch, Page, 0).ToArray());

        yield return ("vm-info-own-memory", Donated(2)
            .CallWithBuffer(Vm1, Hypercall.Info, Pattern(8, 0x55), Page - 48, InfoRecord.Size)
            .Call(Vm1, Hypercall.Info, 2 * Page, InfoRecord.Size).ToArray());
        yield return ("vm-share-unshare", Donated(2)
            .Call(Vm1, Hypercall.MemShare, 0, 0, 1)
            .CallWithBuffer(Dom0, Hypercall.Info, Pattern(32, 0x77), Dom0First, InfoRecord.Size)
            .Call(Vm1, Hypercall.MemShare, 0, 0, 1)
            .Call(Vm1, Hypercall.MemUnshare, 0, 0, 1)
            .Call(Vm1, Hypercall.MemUnshare, 0, Page, 1).ToArray());
        yield return ("vm-share-reclaim", Donated(2)
            .Call(Vm1, Hypercall.MemShare, 0, 0, 2)
            .Call(Dom0, Hypercall.MemReclaim, 0, 0, 1)
            .Call(Dom0, Hypercall.MemReclaim, 0, Page, 1)
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First, 2, 0).ToArray());
        yield return ("vm-share-destroy", Donated(3)
            .Call(Vm1, Hypercall.MemShare, 0, Page, 1)
            .Call(Dom0, Hypercall.VmDestroy, 0)
            .Call(Dom0, Hypercall.Info, Dom0First + Page, InfoRecord.Size).ToArray());
        yield return ("dom0-cannot-share", Donated(1)
            .Call(Dom0, Hypercall.MemShare, 0, 0, 1)
            .Call(Dom0, Hypercall.CapDerive, 0, (ulong)VmRights.All)
            .Call(Dom0, Hypercall.MemShare, 1, 0, 1)
            .Call(Dom0, Hypercall.MemUnshare, 0, 0, 1).ToArray());
        yield return ("vm-derive-share-revoke", Donated(2)
            .Call(Vm1, Hypercall.CapDerive, 0, (ulong)VmRights.Share)
            .Call(Vm1, Hypercall.MemShare, 1, 0, 1)
            .Call(Vm1, Hypercall.CapDerive, 1, (ulong)VmRights.All)
            .Call(Vm1, Hypercall.CapRevoke, 1)
            .Call(Vm1, Hypercall.MemUnshare, 2, 0, 1)
            .Call(Vm1, Hypercall.MemUnshare, 0, 0, 1).ToArray());
        yield return ("dom0-derive-revoke", Created()
            .Call(Dom0, Hypercall.CapDerive, 0, (ulong)VmRights.Load)
            .Call(Dom0, Hypercall.MemDonate, 1, Dom0First, 1, 0)
            .Call(Dom0, Hypercall.CapDerive, 1, (ulong)VmRights.All)
            .Call(Dom0, Hypercall.CapDerive, 9, 0)
            .Call(Dom0, Hypercall.CapRevoke, 0)
            .Call(Dom0, Hypercall.CapRevoke, 2)
            .Call(Dom0, Hypercall.VmDestroy, 0)
            .Call(Dom0, Hypercall.VmCreate).ToArray());
        yield return ("vm-own-vcpu-and-report", Donated(2)
            .Call(Vm1, Hypercall.VcpuCreate, 0)
            .CallWithBuffer(Vm1, Hypercall.VcpuSetState, ValidVcpuState(), 1, 0, VcpuState.Size)
            .CallWithBuffer(Vm1, Hypercall.VmLoad, Pattern(40, 0xCC), 0, Page, 0, Page, 0)
            .Call(Vm1, Hypercall.VmFinalize, 0)
            .CallWithBuffer(Vm1, Hypercall.VmReport, ReportRequest(), 0, Page, CvmReport.Size)
            .Call(Vm1, Hypercall.VcpuRun, 1, 0, ExitMessage.Size).ToArray());
        yield return ("vm-refused-own-destruction", Donated(2)
            .Call(Vm1, Hypercall.VmDestroy, 0)
            .Call(Vm1, Hypercall.MemReclaim, 0, 0, 1)
            .Call(Vm1, Hypercall.MemDonate, 0, 0, 1, 0x10000)
            .Call(Vm1, Hypercall.VmCreate)
            .Call(Vm1, Hypercall.CapRevoke, 0)
            .Call(Vm1, Hypercall.MemShare, 0, 0, 1)
            .Call(Dom0, Hypercall.VmDestroy, 0).ToArray());
        yield return ("two-vms-isolated", Created()
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First, 1, 0)
            .Call(Dom0, Hypercall.MemDonate, 1, Dom0First + Page, 1, 0)
            .Call(Vm2, Hypercall.MemShare, 0, 0, 1)
            .Call(Vm2, Hypercall.Info, 0, InfoRecord.Size)
            .Call(Vm1, Hypercall.VmLoad, 0, 0, 0, Page, 0)
            .Call(Vm2, Hypercall.VmDestroy, 1)
            .Call(Dom0, Hypercall.VmDestroy, 1)
            .Call(Vm2, Hypercall.Info).ToArray());

        yield return ("callers-that-do-not-exist", New()
            .Call(Vm1, Hypercall.Info)
            .Call(4, Hypercall.Info)
            .Call(ushort.MaxValue, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(3, Hypercall.Info)
            .Call(Vm1, Hypercall.Info).ToArray());
        yield return ("unknown-hypercalls", New()
            .Call(Dom0, (Hypercall)0x01)
            .Call(Dom0, (Hypercall)0x1C)
            .Call(Dom0, (Hypercall)0x6F)
            .Call(Dom0, (Hypercall)0x999)
            .Call(Dom0, (Hypercall)ulong.MaxValue).ToArray());
        yield return ("wrong-object-types", Created()
            .Call(Dom0, Hypercall.VcpuCreate, 0)
            .Call(Dom0, Hypercall.VmFinalize, 1)
            .Call(Dom0, Hypercall.VcpuSetState, 0, Scratch, VcpuState.Size)
            .Call(Dom0, Hypercall.MemDonate, 1, Dom0First, 1, 0)
            .Call(Dom0, Hypercall.CapDerive, 1, (ulong)VcpuRights.Run)
            .Call(Dom0, Hypercall.VcpuSetState, 2, Scratch, VcpuState.Size)
            .Call(Dom0, Hypercall.CapRevoke, 1).ToArray());

        yield return ("shape-few-capability-slots", New(MachineShape.FewCapabilitySlots)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.CapDerive, 0, ulong.MaxValue)
            .Call(Dom0, Hypercall.VcpuCreate, 0)
            .Call(Dom0, Hypercall.VcpuCreate, 0)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.CapRevoke, 1)
            .Call(Dom0, Hypercall.VmCreate).ToArray());
        yield return ("shape-few-pages-per-call", New(MachineShape.FewPagesPerCall)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First, 5, 0)
            .Call(Dom0, Hypercall.MemDonate, 0, Dom0First, 4, 0)
            .Call(Dom0, Hypercall.VmLoad, 0, 0, Scratch - 4 * Page, 5 * Page, 0)
            .Call(Dom0, Hypercall.MemReclaim, 0, 0, 5).ToArray());
        yield return ("shape-one-vm-one-vcpu", New(MachineShape.OneVm | MachineShape.OneVcpuPerVm)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.VcpuCreate, 0)
            .Call(Dom0, Hypercall.VcpuCreate, 0)
            .Call(Vm2, Hypercall.Info).ToArray());
        yield return ("shape-few-table-frames", New(MachineShape.FewTablePoolFrames)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.MemDonate, 0, 7 * Page, 1, 0)
            .Call(Dom0, Hypercall.VmDestroy, 0)
            .Call(Dom0, Hypercall.VmCreate).ToArray());
        yield return ("shape-eight-table-frames", New(MachineShape.EightTablePoolFrames)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.MemDonate, 0, 10 * Page, 2, 0)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.MemReclaim, 0, Page, 1)
            .Call(Dom0, Hypercall.VmDestroy, 0).ToArray());
        yield return ("shape-many-table-frames", New(MachineShape.ManyTablePoolFrames)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.MemDonate, 0, 18 * Page, 2, 0)
            .Call(Dom0, Hypercall.MemDonate, 0, 20 * Page, 2, 1UL << 39)
            .Call(Dom0, Hypercall.MemDonate, 0, 22 * Page, 2, 0x7FFF_FFFF_E000)
            .Call(Vm1, Hypercall.MemShare, 0, 1UL << 39, 2)
            .Call(Dom0, Hypercall.MemReclaim, 0, 1UL << 39, 1)
            .Call(Dom0, Hypercall.VmDestroy, 0).ToArray());
        yield return ("shape-48-frames", New(2 << 6)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.MemDonate, 0, 14 * Page, 16, 0)
            .Call(Dom0, Hypercall.MemDonate, 1, 30 * Page, 16, 0)
            .Call(Dom0, Hypercall.MemReclaim, 0, 4 * Page, 8)
            .Call(Dom0, Hypercall.VmDestroy, 1).ToArray());

        // Laid out like real RAM: Dom0 owns page 0 (frames 0-5, 22-29 with 12 pool frames), holes
        // at 6-7 and 30-31 throw when the core touches them.
        yield return ("metal-page-zero", New(MachineShape.MetalMachine)
            .CallWithBuffer(Dom0, Hypercall.Info, Pattern(16, 0x11), 0x100, InfoRecord.Size)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.VmLoad, 0, 0, 0, Page, 0)
            .Call(Dom0, Hypercall.MemDonate, 0, 0, 2, 0)
            .Call(Dom0, Hypercall.VmLoad, 0, 0, 22 * Page, Page, 0)
            .Call(Dom0, Hypercall.VcpuCreate, 0)
            .Call(Dom0, Hypercall.VcpuSetState, 1, 0x100, 0)
            .Call(Dom0, Hypercall.MemReclaim, 0, Page, 1)
            .Call(Dom0, Hypercall.VmDestroy, 0).ToArray());
        yield return ("metal-holes", New(MachineShape.MetalMachine)
            .Call(Dom0, Hypercall.Info, 6 * Page, InfoRecord.Size)
            .Call(Dom0, Hypercall.Info, 31 * Page, InfoRecord.Size)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.MemDonate, 0, 5 * Page, 2, 0)
            .Call(Dom0, Hypercall.MemDonate, 0, 30 * Page, 1, 0)
            .Call(Dom0, Hypercall.VmLoad, 0, 0, 6 * Page, Page, 0)
            .Call(Dom0, Hypercall.VmReport, 0, 7 * Page, 4096).ToArray());

        // 1024 frames: 2 MiB-4 MiB can be donated whole, as one 2 MiB mapping in the VM's table.
        yield return ("large-donate-split", New(MachineShape.LargeMachine)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.MemDonate, 0, 0x200000 + 5 * Page, 1, 0)
            .Call(Dom0, Hypercall.MemReclaim, 0, 0, 1)
            .Call(Dom0, Hypercall.VmDestroy, 0).ToArray());
        yield return ("large-donate-whole", New(MachineShape.LargeMachine)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.MemDonate, 0, 0x200000, 512, 0x200000)
            .Call(Dom0, Hypercall.MemReclaim, 0, 0x200000, 1)
            .Call(Dom0, Hypercall.VmDestroy, 0).ToArray());
        // The same on 8 table-pool frames, where the pool runs dry around the split a partial
        // reclaim needs (findings-regressions/ holds the bug this edge hid).
        yield return ("large-donate-whole-pool-exhausted", New(MachineShape.LargeMachine | MachineShape.EightTablePoolFrames)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.MemDonate, 0, 0x200000, 512, 0x200000)
            .Call(Dom0, Hypercall.MemReclaim, 0, 0x200000, 1)
            .Call(Dom0, Hypercall.MemReclaim, 0, 0x200000 + Page, 511)
            .Call(Dom0, Hypercall.VmDestroy, 0).ToArray());
        yield return ("large-share", New(MachineShape.LargeMachine | MachineShape.ManyTablePoolFrames)
            .Call(Dom0, Hypercall.VmCreate)
            .Call(Dom0, Hypercall.MemDonate, 0, 0x200000, 512, 0)
            .Call(Vm1, Hypercall.MemShare, 0, 0x1000, 2)
            .Call(Vm1, Hypercall.MemUnshare, 0, 0x1000, 1)
            .Call(Dom0, Hypercall.VmDestroy, 0).ToArray());
    }

    private static InputWriter New(byte shape = MachineShape.Default) => new InputWriter(shape);

    private static InputWriter Created() => New().Call(Dom0, Hypercall.VmCreate);

    private static InputWriter Donated(ulong pages) => Created().Call(Dom0, Hypercall.MemDonate, 0, Dom0First, pages, 0);

    private static byte[] Pattern(int length, byte seed)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
            bytes[i] = (byte)(seed + i);
        return bytes;
    }

    public static byte[] ValidVcpuState() => VcpuStateWith(rip: 0x1000, rflags: 2);

    private static byte[] VcpuStateWith(ulong rip, ulong rflags)
    {
        var state = new VcpuState { Rip = rip, Rsp = 0x8000, Rflags = rflags, Cr0 = 0x8000_0011, Cr3 = 0x2000, Cr4 = 0x20, Efer = 0x500 };
        return MemoryMarshal.AsBytes(new ReadOnlySpan<VcpuState>(in state)).ToArray();
    }

    // A CvmReport-sized buffer whose last 64 bytes (the ReportData) hold a nonce.
    private static byte[] ReportRequest()
    {
        var bytes = new byte[CvmReport.Size];
        for (int i = 0; i < ReportData.Size; i++)
            bytes[CvmReport.Size - ReportData.Size + i] = (byte)(0xA0 + i);
        return bytes;
    }
}
