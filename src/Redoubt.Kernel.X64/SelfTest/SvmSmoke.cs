using System.Runtime;
using System.Runtime.CompilerServices;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Paging;
using Redoubt.Kernel.Virtualization;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Paging;
using Redoubt.Kernel.X64.Svm;

namespace Redoubt.Kernel.X64.SelfTest;

// The first step towards running VMs: one real-mode guest of a few hand-assembled instructions
// in 64 KiB of RAM under nested paging, run until it halts, with port I/O and CPUID exits
// handled here. Shows that SVM, the VMCB, the world switch and nested paging work on this CPU.
// Safe: the VMCB, host save area, permission maps and guest memory are frames this code owns
// (from TableFramePool or a usable RAM region the kernel maps 1:1); offsets follow the APM.
internal static unsafe class SvmSmoke
{
    private const ulong GuestMemory = 64 * 1024, GuestCodeAddress = 0x1000;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtSvmRun")]
    private static extern void SvmRun(ulong vmcb, ulong hostSave, SvmWorldSwitch* state);

    // mov al, 0x52; out 0x80, al; mov al, 0x44; out 0x80, al;
    // mov eax, 0x80000001; cpuid; mov al, cl; out 0x81, al     (SVM bit: must read 0)
    // mov eax, 1; cpuid; shr ecx, 24; mov al, cl; out 0x82, al (hypervisor bit: must read 1)
    // mov eax, 0xA5A5A5A5; movd xmm0, eax; out 0x83, al      (the kernel runs between exits)
    // xor eax, eax; movd eax, xmm0; out 0x84, al               (XMM0 must still be 0xA5...)
    // hlt
    private static System.ReadOnlySpan<byte> GuestCode =>
    [
        0xB0, 0x52, 0xE6, 0x80, 0xB0, 0x44, 0xE6, 0x80,
        0x66, 0xB8, 0x01, 0x00, 0x00, 0x80, 0x0F, 0xA2, 0x88, 0xC8, 0xE6, 0x81,
        0x66, 0xB8, 0x01, 0x00, 0x00, 0x00, 0x0F, 0xA2, 0x66, 0xC1, 0xE9, 0x18, 0x88, 0xC8, 0xE6, 0x82,
        0x66, 0xB8, 0xA5, 0xA5, 0xA5, 0xA5, 0x66, 0x0F, 0x6E, 0xC0, 0xE6, 0x83,
        0x66, 0x31, 0xC0, 0x66, 0x0F, 0x7E, 0xC0, 0xE6, 0x84,
        0xF4,
    ];

    // mov ax, 0x2000; mov ds, ax; mov al, [0]: reads guest-physical 0x20000, past its 64 KiB.
    private static System.ReadOnlySpan<byte> OutsideMemoryCode => [0xB8, 0x00, 0x20, 0x8E, 0xD8, 0xA0, 0x00, 0x00, 0xF4];

    // int3 with an empty IDT (limit 0): #GP, then #DF, then a triple fault.
    private static System.ReadOnlySpan<byte> TripleFaultCode => [0xCC, 0xF4];

    public static SvmGuestOutcome Run(MemoryMap memory, ulong imageEnd, SvmTestGuest program)
    {
        SvmSupport.Features features = SvmSupport.Detect();
        if (!features.Svm || !features.NestedPaging)
        {
            Log.Error("svm"u8).Text("this CPU has no SVM with nested paging (QEMU: -cpu EPYC,+svm,+npt)"u8).End();
            return SvmGuestOutcome.Failed;
        }
        Log.Info("svm"u8).Text("SVM revision "u8).Decimal(features.Revision).Text(", "u8).Decimal(features.AsidCount)
            .Text(" ASIDs, features "u8).Hex(features.FeatureBits).End();

        ulong hostSave = TableFramePool.Allocate(), vmcb = TableFramePool.Allocate();
        ulong iopm = AllocateContiguous(3), msrpm = AllocateContiguous(2), guestFpu = TableFramePool.Allocate();
        ulong guestBase = FindGuestMemory(memory, imageEnd);
        if (hostSave == 0 || vmcb == 0 || iopm == 0 || msrpm == 0 || guestFpu == 0 || guestBase == 0)
        {
            Log.Error("svm"u8).Text("no frames left for the VMCB, permission maps or guest memory"u8).End();
            return SvmGuestOutcome.Failed;
        }
        if (!SvmSupport.Enable(hostSave))
        {
            Log.Error("svm"u8).Text("SVM is disabled by firmware (VM_CR.SVMDIS)"u8).End();
            return SvmGuestOutcome.Failed;
        }

        System.ReadOnlySpan<byte> code = program switch
        {
            SvmTestGuest.OutsideMemory => OutsideMemoryCode,
            SvmTestGuest.TripleFault => TripleFaultCode,
            _ => GuestCode,
        };
        new System.Span<byte>((void*)iopm, 3 * 4096).Fill(0xFF);
        new System.Span<byte>((void*)msrpm, 2 * 4096).Fill(0xFF);
        if (!PrepareGuest(guestBase, code, iopm, msrpm, 1, program == SvmTestGuest.TripleFault, vmcb, guestFpu))
            return SvmGuestOutcome.Failed;
        byte* v = (byte*)vmcb;

        SvmWorldSwitch registers = NewSwitch(guestFpu);
        uint* words = stackalloc uint[4];
        for (int exits = 1; exits <= 100; exits++)
        {
            SvmRun(vmcb, hostSave, &registers);
            *(v + Vmcb.TlbControl) = 0;
            ulong exit = *(ulong*)(v + Vmcb.ExitCode);
            ulong info1 = *(ulong*)(v + Vmcb.ExitInfo1), info2 = *(ulong*)(v + Vmcb.ExitInfo2);
            if (exit == Vmcb.ExitInterrupt)
            {
                Cpu.Cpu.AcceptInterrupts();
                exits--;
            }
            else if (exit == Vmcb.ExitIoio && (info1 & 1) == 0)
            {
                // OUT: port in bits 31:16; EXITINFO2 holds the next RIP (QEMU has no NRIP save).
                Log.Info("svm"u8).Text("guest wrote "u8).Hex(*(ulong*)(v + Vmcb.Rax) & 0xFF).Text(" to port "u8).Hex(info1 >> 16).End();
                if (info1 >> 16 == 0x83)
                    Log.Info("svm"u8).Text("guest XMM0 saved at the exit: "u8).Hex(*(uint*)(guestFpu + 160)).End();
                *(ulong*)(v + Vmcb.Rip) = info2;
            }
            else if (exit == Vmcb.ExitNestedPageFault)
            {
                Log.Warn("svm"u8).Text("VM stopped: nested page fault at guest-physical "u8).Hex(info2).Text(", rip "u8)
                    .Hex(*(ulong*)(v + Vmcb.Rip)).Text("; the hypervisor goes on"u8).End();
                return SvmGuestOutcome.Stopped;
            }
            else if (exit == Vmcb.ExitShutdown)
            {
                Log.Warn("svm"u8).Text("VM died: shutdown (triple fault) at rip "u8).Hex(*(ulong*)(v + Vmcb.Rip))
                    .Text("; the hypervisor goes on"u8).End();
                return SvmGuestOutcome.Died;
            }
            else if (exit == Vmcb.ExitCpuid)
            {
                // The host's values through the documented filter (CpuidPolicy).
                uint leaf = (uint)*(ulong*)(v + Vmcb.Rax);
                CpuidResult host = default;
                if (CpuidPolicy.UsesHostValues(leaf))
                {
                    Cpu.Cpu.Cpuid(leaf, (uint)registers.Rcx, words);
                    host = new CpuidResult(words[0], words[1], words[2], words[3]);
                }
                CpuidResult guest = CpuidPolicy.Filter(leaf, host);
                Log.Info("svm"u8).Text("guest CPUID leaf "u8).Hex(leaf).End();
                *(ulong*)(v + Vmcb.Rax) = guest.Eax;
                registers.Rbx = guest.Ebx;
                registers.Rcx = guest.Ecx;
                registers.Rdx = guest.Edx;
                *(ulong*)(v + Vmcb.Rip) += 2;     // CPUID is 0F A2
            }
            else if (exit == Vmcb.ExitHlt)
            {
                Log.Info("svm"u8).Text("guest halted after "u8).Decimal((ulong)exits).Text(" exits"u8).End();
                return SvmGuestOutcome.Halted;
            }
            else
            {
                Log.Error("svm"u8).Text("unexpected exit "u8).Hex(exit).Text(", info1 "u8).Hex(info1).Text(", info2 "u8).Hex(info2)
                    .Text(", rip "u8).Hex(*(ulong*)(v + Vmcb.Rip)).End();
                return SvmGuestOutcome.Failed;
            }
        }
        Log.Error("svm"u8).Text("guest did not halt within 100 exits"u8).End();
        return SvmGuestOutcome.Failed;
    }

    // jmp $: a guest that never gives the CPU back by itself.
    private static System.ReadOnlySpan<byte> SpinnerCode => [0xEB, 0xFE];

    // mov cx, 5; loop: mov al, cl; out 0x80, al; dec cx; jnz loop; hlt
    private static System.ReadOnlySpan<byte> CounterCode => [0xB9, 0x05, 0x00, 0x88, 0xC8, 0xE6, 0x80, 0x49, 0x75, 0xF9, 0xF4];

    // Two guests on one CPU, switched round-robin whenever the local APIC timer takes the CPU
    // back (an INTR exit): a guest that spins forever cannot starve the other, which counts down
    // on port 0x80 and halts.
    public static bool RunRoundRobin(MemoryMap memory, ulong imageEnd)
    {
        SvmSupport.Features features = SvmSupport.Detect();
        ulong hostSave = TableFramePool.Allocate(), iopm = AllocateContiguous(3), msrpm = AllocateContiguous(2);
        ulong spinnerVmcb = TableFramePool.Allocate(), counterVmcb = TableFramePool.Allocate();
        ulong spinnerFpu = TableFramePool.Allocate(), counterFpu = TableFramePool.Allocate();
        ulong memoryBase = FindGuestMemory(memory, imageEnd, 2 * GuestMemory);
        if (!features.Svm || !features.NestedPaging || hostSave == 0 || iopm == 0 || msrpm == 0 || spinnerVmcb == 0 || counterVmcb == 0
            || spinnerFpu == 0 || counterFpu == 0 || memoryBase == 0 || !SvmSupport.Enable(hostSave))
        {
            Log.Error("sched"u8).Text("cannot set up SVM, frames or guest memory"u8).End();
            return false;
        }
        new System.Span<byte>((void*)iopm, 3 * 4096).Fill(0xFF);
        new System.Span<byte>((void*)msrpm, 2 * 4096).Fill(0xFF);
        if (!PrepareGuest(memoryBase, SpinnerCode, iopm, msrpm, 1, false, spinnerVmcb, spinnerFpu)
            || !PrepareGuest(memoryBase + GuestMemory, CounterCode, iopm, msrpm, 2, false, counterVmcb, counterFpu))
            return false;
        if (!Cpu.LocalApic.Start(100_000))
        {
            Log.Error("sched"u8).Text("cannot map the local APIC"u8).End();
            return false;
        }
        Log.Info("sched"u8).Text("two guests, round-robin on the local APIC timer: guest 1 spins, guest 2 counts"u8).End();

        SvmWorldSwitch spinnerRegisters = NewSwitch(spinnerFpu), counterRegisters = NewSwitch(counterFpu);
        bool counterRuns = false;
        ulong preemptions = 0;
        for (int exits = 0; exits < 10_000; exits++)
        {
            ulong vmcbNow = counterRuns ? counterVmcb : spinnerVmcb;
            if (counterRuns)
                SvmRun(counterVmcb, hostSave, &counterRegisters);
            else
                SvmRun(spinnerVmcb, hostSave, &spinnerRegisters);
            byte* v = (byte*)vmcbNow;
            *(v + Vmcb.TlbControl) = 0;
            ulong exit = *(ulong*)(v + Vmcb.ExitCode);
            if (exit == Vmcb.ExitInterrupt)
            {
                // The timer interrupt is still pending: take it (EOI), then switch guests.
                Cpu.Cpu.AcceptInterrupts();
                preemptions++;
                counterRuns = !counterRuns;
            }
            else if (counterRuns && exit == Vmcb.ExitIoio)
            {
                Log.Info("sched"u8).Text("guest 2 wrote "u8).Hex(*(ulong*)(v + Vmcb.Rax) & 0xFF).Text(" to port "u8).Hex(*(ulong*)(v + Vmcb.ExitInfo1) >> 16).End();
                *(ulong*)(v + Vmcb.Rip) = *(ulong*)(v + Vmcb.ExitInfo2);
            }
            else if (counterRuns && exit == Vmcb.ExitHlt)
            {
                Cpu.LocalApic.Stop();
                Log.Info("sched"u8).Text("guest 2 halted while guest 1 spins; "u8).Decimal(preemptions).Text(" timer preemptions, "u8)
                    .Decimal(Cpu.LocalApic.Ticks).Text(" ticks"u8).End();
                return true;
            }
            else
            {
                Cpu.LocalApic.Stop();
                Log.Error("sched"u8).Text("unexpected exit "u8).Hex(exit).Text(" from guest "u8).Decimal(counterRuns ? 2UL : 1UL).End();
                return false;
            }
        }
        Cpu.LocalApic.Stop();
        Log.Error("sched"u8).Text("guest 2 did not halt within 10000 exits"u8).End();
        return false;
    }

    // A real-mode guest: 64 KiB of RAM at guestBase (zeroed, code at 0x1000) under its own nested
    // table, a VMCB intercepting every port and MSR, CPUID, HLT, SHUTDOWN and the SVM
    // instructions, and x87/SSE state as after FNINIT.
    private static bool PrepareGuest(ulong guestBase, System.ReadOnlySpan<byte> code, ulong iopm, ulong msrpm, uint asid, bool emptyIdt, ulong vmcb, ulong guestFpu)
    {
        // Guest RAM: zeroed, code at 0x1000.
        new System.Span<byte>((void*)guestBase, (int)GuestMemory).Clear();
        code.CopyTo(new System.Span<byte>((void*)(guestBase + GuestCodeAddress), code.Length));

        // The guest's extended state starts in its reset state: an all-zero XSAVE header
        // (every component in its initial state) and MXCSR 1F80h, which XRSTOR always loads.
        new System.Span<byte>((void*)guestFpu, 4096).Clear();
        *(uint*)(guestFpu + 24) = 0x1F80;

        var nested = new PageTable<NptFormat, IdentityMappedTableMemory>(default, TableFramePool.Allocate());
        if (nested.Root == 0 || nested.Map(0, guestBase, GuestMemory, PageAttributes.Writable | PageAttributes.Executable) != MapStatus.Success)
        {
            Log.Error("svm"u8).Text("cannot build the guest's nested page table"u8).End();
            return false;
        }

        byte* v = (byte*)vmcb;
        *(uint*)(v + Vmcb.InterceptMisc1) = Vmcb.InterceptIntr | Vmcb.InterceptCpuid | Vmcb.InterceptHlt | Vmcb.InterceptIoio | Vmcb.InterceptMsr | Vmcb.InterceptShutdown;
        *(uint*)(v + Vmcb.InterceptMisc2) = Vmcb.InterceptVmrun | Vmcb.InterceptVmmcall | Vmcb.InterceptVmload | Vmcb.InterceptVmsave
            | Vmcb.InterceptStgi | Vmcb.InterceptClgi | Vmcb.InterceptSkinit;
        *(ulong*)(v + Vmcb.IopmBase) = iopm;
        *(ulong*)(v + Vmcb.MsrpmBase) = msrpm;
        *(uint*)(v + Vmcb.GuestAsid) = asid;
        *(v + Vmcb.TlbControl) = 1;
        *(ulong*)(v + Vmcb.NestedPagingEnable) = 1;
        // Physical interrupts exit the guest; the guest's IF masks only its virtual ones.
        *(ulong*)(v + Vmcb.VirtualInterruptControl) = Vmcb.VirtualInterruptMasking;
        *(ulong*)(v + Vmcb.NestedCr3) = nested.Root;
        // Real mode, flat 64 KiB segments (attributes: present, S, code/data type).
        SetSegment(v + Vmcb.Cs, 0x9B);
        SetSegment(v + Vmcb.Ds, 0x93);
        SetSegment(v + Vmcb.Es, 0x93);
        SetSegment(v + Vmcb.Ss, 0x93);
        SetSegment(v + Vmcb.Fs, 0x93);
        SetSegment(v + Vmcb.Gs, 0x93);
        SetSegment(v + Vmcb.Gdtr, 0);
        SetSegment(v + Vmcb.Idtr, 0);
        if (emptyIdt)
            *(uint*)(v + Vmcb.Idtr + 4) = 0;
        SetSegment(v + Vmcb.Ldtr, 0x82);
        SetSegment(v + Vmcb.Tr, 0x8B);
        *(ulong*)(v + Vmcb.Cr0) = 0x10;            // ET: real mode, paging off
        *(ulong*)(v + Vmcb.Cr4) = 1UL << 9;        // OSFXSR: the guest may use SSE
        *(ulong*)(v + Vmcb.Efer) = 1UL << 12;      // SVME must be set in guest EFER
        *(ulong*)(v + Vmcb.Rflags) = 2;
        *(ulong*)(v + Vmcb.Rip) = GuestCodeAddress;
        *(ulong*)(v + Vmcb.Rsp) = 0x8000;
        *(ulong*)(v + Vmcb.Dr6) = 0xFFFF0FF0;
        *(ulong*)(v + Vmcb.Dr7) = 0x400;
        *(ulong*)(v + Vmcb.GuestPat) = 0x0007040600070406;

        return true;
    }

    private static SvmWorldSwitch NewSwitch(ulong xsaveArea) =>
        new SvmWorldSwitch { GuestXsaveArea = xsaveArea, GuestXcr0 = 1, HostXcr0 = SvmSupport.HostXcr0 };

    private static void SetSegment(byte* segment, ushort attributes)
    {
        *(ushort*)segment = 0;
        *(ushort*)(segment + 2) = attributes;
        *(uint*)(segment + 4) = 0xFFFF;
        *(ulong*)(segment + 8) = 0;
    }

    // TableFramePool hands frames out in address order: consecutive calls are contiguous.
    private static ulong AllocateContiguous(int frames)
    {
        ulong first = TableFramePool.Allocate();
        for (int i = 1; i < frames; i++)
        {
            if (TableFramePool.Allocate() != first + (ulong)i * 4096)
                return 0;
        }
        return first;
    }

    // 64 KiB of usable RAM above the image (the kernel maps usable RAM 1:1, read/write).
    private static ulong FindGuestMemory(MemoryMap memory, ulong imageEnd, ulong size = GuestMemory)
    {
        foreach (MemoryRegion region in memory.Regions)
        {
            ulong start = (region.Base > imageEnd ? region.Base : imageEnd) + 0xFFFF & ~0xFFFFUL;
            if (region.Kind == MemoryKind.Usable && start >= 0x100000 && start + size <= region.End)
                return start;
        }
        return 0;
    }
}
