using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Redoubt.Abi;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Virtualization;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Memory;
using Redoubt.Kernel.X64.Svm;

namespace Redoubt.Kernel.X64.Dom0;

// Runs Dom0's vCPU on its own CPU for good. Every exit is one of the few intercepts
// (docs/dom0.md):
// - CPUID: the same filtered table VMs see (no SVM, the hypervisor bit, Redoubt's leaf), with
//   this CPU's own APIC ID and topology (leaves 1 and 0Bh) and no x2APIC;
// - RDMSR/WRMSR of every MSR Dom0MsrPolicy does not pass through (Dom0Msrs);
// - INVD: carried out as WBINVD;
// - VMMCALL: from CPL 0 only (else #UD), the kernel core's hypercalls with Dom0 as caller, one
//   CPU at a time (HypercallEntry);
//   a call that shrank a nested table shoots down the other CPUs' TLBs before it reuses a frame;
// - an access to the local APIC page: carried out on this CPU's APIC (Dom0Apic), except INIT and
//   STARTUP, which start Dom0's secondary vCPUs under Redoubt;
// - NMI: Redoubt's (a TLB shootdown), or Dom0's own, injected at the next entry (Dom0Cpus);
// - INIT: refused (logged): a CPU is reset only by Redoubt;
// - port I/O to a port Redoubt keeps: an IN reads all ones, an OUT is dropped (logged); to a
//   platform control it mediates (reset, sleep, A20, PCI configuration): Dom0Ports;
// - an access to the PCI configuration window (ECAM): Dom0Pci; to a reset register's page in
//   memory space: Dom0ResetRegister;
// - a nested page fault: Dom0 touched memory Redoubt keeps (or no device): the access is
//   refused and logged, and Dom0 goes on: a load reads all ones, a store is dropped, a string
//   copy is skipped, as at an address without a device; other instructions and fetches get #GP;
// - SHUTDOWN (Dom0 triple-faulted): logged, and the machine is reset;
// - SVM's own instructions: #UD, as on a CPU without SVM.
// Safe: v is Dom0's own VMCB; Dom0's code is read only from frames Dom0 owns (Dom0MemoryReader).
internal static unsafe class Dom0Runner
{
    private const byte VectorInvalidOpcode = 6, VectorGeneralProtection = 13, NmiVector = 2;
    private const ulong X2ApicBit = 1UL << 21;
    private const ulong EferLongModeActive = 1UL << 10, IoioIn = 1;
    // EXITINFO1 of a nested page fault: the access was a write, an instruction fetch.
    private const ulong NpfWrite = 1 << 1, NpfFetch = 1 << 4;
    // Refusals logged one by one before the log thins out to every RefusalLogInterval-th.
    private const ulong RefusalsLoggedInFull = 16, RefusalLogInterval = 1024;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtSvmRun")]
    private static extern void SvmRun(ulong vmcb, ulong hostState, SvmWorldSwitch* state);

    private static ulong s_refusedReads, s_refusedWrites, s_refusedFetches, s_refusedPorts;

    public static void Run(KernelCore<RangePhysicalMemory> core, Dom0Cpu cpu)
    {
        SvmVcpu dom0 = cpu.Vcpu;
        byte* v = (byte*)dom0.Vmcb;
        while (true)
        {
            if (cpu.Dom0NmiPending != 0 && (*(ulong*)(v + Vmcb.EventInjection) & Vmcb.EventValid) == 0)
            {
                cpu.Dom0NmiPending = 0;
                *(ulong*)(v + Vmcb.EventInjection) = NmiVector | Vmcb.EventNmi | Vmcb.EventValid;
            }
            Dom0Cpus.EnterGuest(cpu);
            ulong flushes = core.TlbFlushes;
            if (flushes != dom0.FlushesSeen)
            {
                *(v + Vmcb.TlbControl) = 1;
                dom0.FlushesSeen = flushes;
            }
            fixed (SvmWorldSwitch* state = &dom0.Switch)
                SvmRun(dom0.Vmcb, cpu.HostStateArea, state);
            if (*(ulong*)(v + Vmcb.ExitCode) == Vmcb.ExitNmi)
                Dom0Cpus.HoldAcknowledgement(cpu);
            Dom0Cpus.LeaveGuest(cpu);
            dom0.Exits++;
            *(v + Vmcb.TlbControl) = 0;
            ulong interrupted = *(ulong*)(v + Vmcb.ExitInterruptInfo);
            *(ulong*)(v + Vmcb.EventInjection) = (interrupted & Vmcb.EventValid) != 0 ? interrupted : 0;

            ulong exit = *(ulong*)(v + Vmcb.ExitCode);
            ulong info1 = *(ulong*)(v + Vmcb.ExitInfo1), info2 = *(ulong*)(v + Vmcb.ExitInfo2);
            switch (exit)
            {
                case Vmcb.ExitCpuid:
                    if (Skip(core, dom0, v, ExitInstruction.Cpuid))
                        AnswerCpuid(dom0, v);
                    break;
                case Vmcb.ExitMsr:
                    HandleMsr(core, dom0, v, info1 == 1);
                    break;
                case Vmcb.ExitVmmcall:
                    HandleHypercall(core, cpu, v);
                    break;
                case Vmcb.ExitInvd:
                    // INVD would drop dirty lines of Redoubt and of VMs: WBINVD instead.
                    if (Skip(core, dom0, v, ExitInstruction.Invd))
                        Cpu.Cpu.WriteBackInvalidate();
                    break;
                case Vmcb.ExitIoio:
                    if (!Dom0Ports.Handle(cpu, v, info1, info2))
                        RefusePort(dom0, v, info1, info2);
                    break;
                case Vmcb.ExitNestedPageFault:
                    if (*(ulong*)(v + Vmcb.Cr3) == Paging.KernelAddressSpace.Root)
                    {
                        // Dom0 cannot run with Redoubt's own page tables: its saved state is
                        // Redoubt's context (seen once, rarely, under QEMU, cause not yet known).
                        // Say so and reset, instead of refusing its accesses for ever.
                        Log.Error("dom0"u8).Text("CPU "u8).Decimal((ulong)cpu.Index).Text(": Dom0's vCPU holds Redoubt's own context (cr3 "u8)
                            .Hex(*(ulong*)(v + Vmcb.Cr3)).Text(", rip "u8).Hex(*(ulong*)(v + Vmcb.Rip)).Text(", rsp "u8).Hex(*(ulong*)(v + Vmcb.Rsp))
                            .Text(", nested page fault at "u8).Hex(info2).Text(", exit interrupt info "u8).Hex(interrupted).Text(") after "u8)
                            .Decimal(dom0.Exits).Text(" exits: resetting the machine"u8).End();
                        PlatformPower.Reset("Dom0's vCPU state is corrupt"u8);
                    }
                    if (Dom0Pci.IsEcam(info2) ? !Dom0Pci.AccessEcam(core, dom0, v, info2)
                        : Dom0ResetRegister.IsResetPage(info2) ? !Dom0ResetRegister.Access(core, dom0, v, info2)
                        : !Dom0Apic.IsApicPage(info2) || !Dom0Apic.Emulate(core, cpu, v, info2))
                        RefuseAccess(core, dom0, v, info1, info2);
                    break;
                case Vmcb.ExitNmi:
                    // Already taken by Redoubt's handler after STGI, which decided whose it was.
                    break;
                case Vmcb.ExitSmi:
                    // Stays pending and is taken after STGI, in Redoubt's context: the firmware's
                    // SMM code then saves and restores Redoubt's state, never Dom0's half-switched
                    // one (QEMU runs an SMI taken in a guest with the guest's intercepts and
                    // nested paging on, and its RSM can resume another context).
                    break;
                case Vmcb.ExitInit:
                    Log.Warn("dom0"u8).Text("INIT to CPU "u8).Decimal((ulong)cpu.Index).Text(" in Dom0 refused: only Redoubt resets a CPU"u8).End();
                    break;
                case Vmcb.ExitShutdown:
                    Log.Error("dom0"u8).Text("Dom0 shut down (triple fault) at rip "u8).Hex(*(ulong*)(v + Vmcb.Rip))
                        .Text(" after "u8).Decimal(dom0.Exits).Text(" exits: resetting the machine"u8).End();
                    PlatformPower.Reset("a reset by triple fault"u8);
                    break;
                case Vmcb.ExitVmrun or Vmcb.ExitVmload or Vmcb.ExitVmsave or Vmcb.ExitStgi or Vmcb.ExitClgi or Vmcb.ExitSkinit or Vmcb.ExitInvlpga:
                    Inject(v, VectorInvalidOpcode, hasErrorCode: false);
                    break;
                default:
                    Log.Error("dom0"u8).Text("unexpected exit "u8).Hex(exit).Text(", info1 "u8).Hex(info1).Text(", info2 "u8).Hex(info2)
                        .Text(", rip "u8).Hex(*(ulong*)(v + Vmcb.Rip)).Text(": resetting the machine"u8).End();
                    PlatformReset.Reset();
                    break;
            }
        }
    }

    // CPUID as VMs see it, except that the leaves naming the CPU (1: APIC ID, 0Bh: x2APIC
    // topology) are this CPU's own, and x2APIC is hidden: Dom0 drives its APIC through the
    // xAPIC page, whose INIT and STARTUP Redoubt handles.
    private static void AnswerCpuid(SvmVcpu dom0, byte* v)
    {
        uint leaf = (uint)*(ulong*)(v + Vmcb.Rax);
        if (leaf == 1 || leaf == 0xB)
            CpuidExit.AnswerFromThisCpu(dom0, v);
        else
            CpuidExit.Answer(dom0, v);
        if (leaf == 1)
            dom0.Switch.Rcx &= ~X2ApicBit;
    }

    private static void HandleMsr(KernelCore<RangePhysicalMemory> core, SvmVcpu dom0, byte* v, bool write)
    {
        ulong rip = *(ulong*)(v + Vmcb.Rip);
        if (!Skip(core, dom0, v, write ? ExitInstruction.Wrmsr : ExitInstruction.Rdmsr))
            return;
        uint msr = (uint)dom0.Switch.Rcx;
        ulong value = (*(ulong*)(v + Vmcb.Rax) & 0xFFFF_FFFF) | (dom0.Switch.Rdx << 32);
        if (!Dom0Msrs.Access(dom0, msr, write, ref value))
        {
            Dom0Msrs.LogRefusal(msr, write, value, rip);
            *(ulong*)(v + Vmcb.Rip) = rip;
            Inject(v, VectorGeneralProtection, hasErrorCode: true);
            return;
        }
        if (!write)
        {
            *(ulong*)(v + Vmcb.Rax) = value & 0xFFFF_FFFF;
            dom0.Switch.Rdx = value >> 32;
        }
    }

    // Out: RAX = status, RDI/RSI/RDX = results; every other register kept.
    private static void HandleHypercall(KernelCore<RangePhysicalMemory> core, Dom0Cpu cpu, byte* v)
    {
        SvmVcpu dom0 = cpu.Vcpu;
        if (!HypercallEntry.IsFromKernelMode(v, KernelCore<RangePhysicalMemory>.Dom0) || !Skip(core, dom0, v, ExitInstruction.Vmmcall))
            return;
        var registers = new HypercallRegisters
        {
            Number = *(ulong*)(v + Vmcb.Rax),
            Arg0 = dom0.Switch.Rdi,
            Arg1 = dom0.Switch.Rsi,
            Arg2 = dom0.Switch.Rdx,
            Arg3 = dom0.Switch.R10,
            Arg4 = dom0.Switch.R8,
            Arg5 = dom0.Switch.R9,
        };
        HypercallResult result = HypercallEntry.Dispatch(core, KernelCore<RangePhysicalMemory>.Dom0, registers);
        *(ulong*)(v + Vmcb.Rax) = (ulong)result.Status;
        dom0.Switch.Rdi = result.Result0;
        dom0.Switch.Rsi = result.Result1;
        dom0.Switch.Rdx = result.Result2;
    }

    // A port Redoubt keeps: INs read all ones (no device), OUTs are dropped; EXITINFO2 is the
    // next RIP for every form, the string ones included (they are skipped whole).
    private static void RefusePort(SvmVcpu dom0, byte* v, ulong info1, ulong info2)
    {
        ushort port = (ushort)(info1 >> 16);
        if ((info1 & IoioIn) != 0)
        {
            uint size = (uint)(info1 >> 4) & 7;
            ulong* rax = (ulong*)(v + Vmcb.Rax);
            *rax = size == 4 ? 0xFFFF_FFFF : *rax | (size == 2 ? 0xFFFFUL : 0xFFUL);
        }
        *(ulong*)(v + Vmcb.Rip) = info2;
        s_refusedPorts++;
        if (s_refusedPorts <= RefusalsLoggedInFull || s_refusedPorts % RefusalLogInterval == 0)
            Log.Warn("dom0"u8).Text("refused port "u8).Text((info1 & IoioIn) != 0 ? "read"u8 : "write"u8).Text(" of "u8).Hex(port)
                .Text(" (kept by Redoubt), "u8).Decimal(s_refusedPorts).Text(" so far"u8).End();
    }

    // Dom0 touched a guest-physical address its nested table does not map: memory Redoubt or a
    // VM keeps, a kept device, or an address with no device. Nothing is read or written there.
    // The access behaves as one to an address without a device: a load (MOV, MOVZX, XCHG) reads
    // all ones, a store is dropped, a MOVS (REP or not) is skipped whole; anything else, and an
    // instruction fetch, gets #GP(0). So Dom0's copy routines (/dev/mem) go on with constant
    // data and Dom0 goes on.
    private static void RefuseAccess(KernelCore<RangePhysicalMemory> core, SvmVcpu dom0, byte* v, ulong info1, ulong info2)
    {
        bool fetch = (info1 & NpfFetch) != 0, write = (info1 & NpfWrite) != 0;
        bool emulated = !fetch && EmulateAbsent(core, dom0, v);
        // Counted and thinned out per kind, so that a flood of reads does not hide the writes.
        ref ulong refused = ref fetch ? ref s_refusedFetches : ref write ? ref s_refusedWrites : ref s_refusedReads;
        refused++;
        if (refused <= RefusalsLoggedInFull || refused % RefusalLogInterval == 0)
            Log.Warn("dom0"u8).Text("refused "u8).Text(write ? "write"u8 : fetch ? "fetch"u8 : "read"u8)
                .Text(" of physical "u8).Hex(info2).Text(" (not Dom0's) at rip "u8).Hex(*(ulong*)(v + Vmcb.Rip))
                .Text(emulated ? ": no device there for Dom0, "u8 : ": #GP in Dom0, "u8).Decimal(refused)
                .Text(write ? " writes refused so far"u8 : fetch ? " fetches refused so far"u8 : " reads refused so far"u8).End();
        if (!emulated)
            Inject(v, VectorGeneralProtection, hasErrorCode: true);
        if (write)
            Dom0Marker.CheckAfterRefusedWrite(info2);
    }

    private static bool EmulateAbsent(KernelCore<RangePhysicalMemory> core, SvmVcpu dom0, byte* v)
    {
        bool longMode = (*(ulong*)(v + Vmcb.Efer) & EferLongModeActive) != 0 && (*(ushort*)(v + Vmcb.Cs + 2) & Vmcb.AttributeLong) != 0;
        bool operand32 = (*(ushort*)(v + Vmcb.Cs + 2) & (1 << 10)) != 0;
        Span<byte> code = new Span<byte>(dom0.CodeScratch);
        code = code.Slice(0, FetchCode(core, v, code, longMode));
        if (MmioInstruction.Decode(code, longMode, operand32, out MmioAccess access) == MmioDecodeStatus.Success)
        {
            ulong ones = access.Size == 8 ? ulong.MaxValue : (1UL << (access.Size * 8)) - 1;
            if (access.Kind is MmioAccessKind.Read or MmioAccessKind.Exchange)
                GuestRegisters.WriteSized(dom0, v, access.Register, ones, access.RegisterSize, access.HighByte);
            *(ulong*)(v + Vmcb.Rip) += access.Length;
            return true;
        }
        int length = StringMoveInstruction.Length(code, longMode);
        if (length == 0)
            return false;
        *(ulong*)(v + Vmcb.Rip) += (ulong)length;
        return true;
    }

    // Moves RIP past the exiting instruction, decoded from Dom0's own code; #UD (false) when
    // the bytes there are not that instruction.
    public static bool Skip(KernelCore<RangePhysicalMemory> core, SvmVcpu dom0, byte* v, ExitInstruction instruction)
    {
        bool longMode = (*(ulong*)(v + Vmcb.Efer) & EferLongModeActive) != 0 && (*(ushort*)(v + Vmcb.Cs + 2) & Vmcb.AttributeLong) != 0;
        Span<byte> code = new Span<byte>(dom0.CodeScratch);
        int length = InstructionLength.Of(code.Slice(0, FetchCode(core, v, code, longMode)), instruction, longMode);
        if (length == 0)
        {
            Inject(v, VectorInvalidOpcode, hasErrorCode: false);
            return false;
        }
        *(ulong*)(v + Vmcb.Rip) += (ulong)length;
        return true;
    }

    // Up to 15 bytes of Dom0's code at RIP, through its own page tables, from Dom0's frames only;
    // the count fetched.
    public static int FetchCode(KernelCore<RangePhysicalMemory> core, byte* v, Span<byte> code, bool longMode)
    {
        ulong linear = *(ulong*)(v + Vmcb.Rip) + (longMode ? 0 : *(ulong*)(v + Vmcb.Cs + 8));
        return GuestPageWalk.Fetch(new Dom0MemoryReader(core), *(ulong*)(v + Vmcb.Cr0), *(ulong*)(v + Vmcb.Cr3),
            *(ulong*)(v + Vmcb.Cr4), *(ulong*)(v + Vmcb.Efer), linear, code);
    }

    // Error code 0 where the exception has one.
    public static void Inject(byte* v, byte vector, bool hasErrorCode) =>
        *(ulong*)(v + Vmcb.EventInjection) = vector | Vmcb.EventException | Vmcb.EventValid | (hasErrorCode ? Vmcb.EventErrorCodeValid : 0);
}
