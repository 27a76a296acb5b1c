using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Redoubt.Abi;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Objects;
using Redoubt.Kernel.Virtualization;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Cpu;
using Redoubt.Kernel.X64.Memory;

namespace Redoubt.Kernel.X64.Svm;

// VcpuRun on SVM: runs a vCPU until an exit its caller must handle, and writes that exit as an
// ExitMessage into the caller's buffer. Exits the kernel handles itself never leave it: CPUID
// (CpuidPolicy), MSRs (MsrPolicy), VMMCALL (the kernel core's hypercalls, with the VM as
// caller), XSETBV, writes to the POST-code port, SVM's own instructions (#UD: SVM is hidden),
// INVD (carried out as WBINVD), and physical interrupts (served; a timer tick ends the run so
// the scheduler can switch).
// What reaches the caller: port I/O (an IN is completed with the Data of the caller's next
// VcpuRun), HLT, and the ends of a VM: a nested page fault (an access outside its memory) or a
// shutdown (triple fault) stop the VM for good; the hypervisor and other VMs go on.
// Instruction lengths are computed from the guest's code (QEMU has no NRIP save); IOIO exits
// carry the next RIP in EXITINFO2. A run is a change of domain on this CPU both ways: it starts
// and ends with an IBPB (where the CPU has one), and the world switch loads the vCPU's own
// TSC_AUX over the caller's, which it reads at the start (docs/vm-exits.md).
// Safe: the VMCB and world-switch state belong to this vCPU's SvmVcpu; no local is read before it
// is written (SkipLocalsInit only spares the exit path zeroing its frame); guest code bytes are read
// through the guest's own page tables and its nested table, within frames the VM owns.
[SkipLocalsInit]
internal static unsafe class VcpuRunner
{
    private const ulong EferLongModeActive = 1UL << 10, Cr0Paging = 1UL << 31;
    private const ulong IoioIn = 1, IoioString = 1 << 2, IoioRepeat = 1 << 3;
    private const byte VectorInvalidOpcode = 6, VectorGeneralProtection = 13;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtSvmRun")]
    private static extern void SvmRun(ulong vmcb, ulong hostState, SvmWorldSwitch* state);

    // VcpuRun as a caller in another domain issues it: every message goes into its buffer.
    public static HypercallResult Run(KernelCore<RangePhysicalMemory> core, ushort caller, ulong slot, ulong buffer, ulong length)
    {
        NoExitHandler none = default;
        return Run(core, caller, slot, buffer, length, ref none);
    }

    // VcpuRun with an in-kernel handler (the kernel's own test handler until the VMM sandbox
    // exists): port-I/O messages go to it first, in the same 64-byte layout, without leaving the
    // run; only what it declines ends the run in the caller's buffer.
    public static HypercallResult Run<THandler>(KernelCore<RangePhysicalMemory> core, ushort caller, ulong slot, ulong buffer, ulong length, ref THandler handler)
        where THandler : struct, IExitHandler
    {
        HypercallStatus status = core.ValidateRun(caller, slot, buffer, length, out int index);
        if (status != HypercallStatus.Success)
            return HypercallResult.Fail(status);
        VirtualCpu vcpu = core.Vcpus[index];
        VirtualMachine vm = core.Vms[vcpu.VmDomain - 1];
        SvmVcpu hardware = SvmHost.Vcpu(index);
        if (!hardware.Launched || hardware.Generation != vcpu.Generation)
            Launch(hardware, vcpu, vm);
        else if (hardware.PendingReadSize != 0)
            CompleteRead(hardware, core.ReadExitData(caller, buffer));
        hardware.Switch.HostTscAux = HostMsrs.ReadTscAux();
        HostMsrs.BarrierBetweenDomains();
        ExitMessage message = RunUntilExit(core, vm, vcpu, hardware, ref handler);
        HostMsrs.BarrierBetweenDomains();
        core.DeliverExit(caller, buffer, message);
        return HypercallResult.Ok();
    }

    private static void Launch(SvmVcpu hardware, VirtualCpu vcpu, VirtualMachine vm)
    {
        VmcbSetup.Initialize(hardware.Vmcb, vcpu.State, vm.NestedRoot, vm.Domain, SvmHost.Iopm, SvmHost.Msrpm);
        // The reset state of x87/SSE/AVX: an all-zero XSAVE header and MXCSR 1F80h.
        new Span<byte>((void*)hardware.XsaveArea, 4096).Clear();
        *(uint*)(hardware.XsaveArea + 24) = 0x1F80;
        hardware.Switch = new SvmWorldSwitch
        {
            GuestXsaveArea = hardware.XsaveArea, GuestXcr0 = 1, HostXcr0 = SvmSupport.HostXcr0, SwitchedComponents = SvmSupport.HostXcr0,
            GuestSpecCtrl = HostMsrs.HostSpecCtrl, HostSpecCtrl = HostMsrs.HostSpecCtrl,
        };
        VmcbSetup.InitializeRegisters(ref hardware.Switch, vcpu.State);
        hardware.Generation = vcpu.Generation;
        hardware.Launched = true;
        hardware.PendingReadSize = 0;
        hardware.Exits = 0;
        hardware.Translations.Clear();
        hardware.Message = new ExitMessage { VcpuIndex = (uint)vcpu.Index };
    }

    // An IN of 1, 2 or 4 bytes: the low bytes of RAX take the answer; a 4-byte IN clears bits 63:32.
    private static void CompleteRead(SvmVcpu hardware, ulong data)
    {
        ulong* rax = (ulong*)(hardware.Vmcb + Vmcb.Rax);
        *rax = hardware.PendingReadSize switch
        {
            1 => (*rax & ~0xFFUL) | (data & 0xFF),
            2 => (*rax & ~0xFFFFUL) | (data & 0xFFFF),
            _ => data & 0xFFFF_FFFF,
        };
        hardware.PendingReadSize = 0;
    }

    private static ExitMessage RunUntilExit<THandler>(KernelCore<RangePhysicalMemory> core, VirtualMachine vm, VirtualCpu vcpu, SvmVcpu hardware, ref THandler handler)
        where THandler : struct, IExitHandler
    {
        byte* v = (byte*)hardware.Vmcb;
        ulong ticks = LocalApic.Ticks;
        while (true)
        {
            if (core.TlbFlushes != hardware.FlushesSeen)
            {
                *(v + Vmcb.TlbControl) = 1;
                hardware.FlushesSeen = core.TlbFlushes;
                hardware.Translations.Clear();
            }
            fixed (SvmWorldSwitch* state = &hardware.Switch)
                SvmRun(hardware.Vmcb, SvmHost.HostStateArea, state);
            hardware.Exits++;
            *(v + Vmcb.TlbControl) = 0;
            // An event whose delivery the exit interrupted is delivered again on the next entry.
            ulong interrupted = *(ulong*)(v + Vmcb.ExitInterruptInfo);
            *(ulong*)(v + Vmcb.EventInjection) = (interrupted & Vmcb.EventValid) != 0 ? interrupted : 0;

            ulong exit = *(ulong*)(v + Vmcb.ExitCode);
            ulong info1 = *(ulong*)(v + Vmcb.ExitInfo1), info2 = *(ulong*)(v + Vmcb.ExitInfo2);
            // Port I/O first: the most frequent exit, and the only one that may stay in the run.
            if (exit == Vmcb.ExitIoio)
            {
                if (IsPostCode(info1))
                {
                    *(ulong*)(v + Vmcb.Rip) = info2;
                    continue;
                }
                ref ExitMessage io = ref hardware.Message;
                if (!WritePortIoMessage(core, vm, vcpu, hardware, v, info1, info2, ref io) || !handler.Handle(ref io))
                    return io;
                if (hardware.PendingReadSize != 0)
                    CompleteRead(hardware, io.Data);
                continue;
            }
            if (exit == Vmcb.ExitCpuid)
            {
                if (!TryCpuidFast(core, hardware, v))
                    HandleCpuid(core, vm, hardware, v);
                continue;
            }
            ExitMessage message;
            switch (exit)
            {
                case Vmcb.ExitInterrupt:
                    Cpu.Cpu.AcceptInterrupts();
                    if (LocalApic.Ticks != ticks)
                    {
                        message = NewMessage(vcpu, v);
                        message.Reason = ExitReason.Interrupted;
                        return message;
                    }
                    break;
                case Vmcb.ExitVmmcall:
                    HandleHypercall(core, vm, hardware, v);
                    break;
                case Vmcb.ExitSmi:
                    // Taken after STGI, in Redoubt's context (Dom0Runner says why).
                    break;
                case Vmcb.ExitMsr:
                    HandleMsr(core, vm, hardware, v, info1 == 1);
                    break;
                case Vmcb.ExitXsetbv:
                    HandleXsetbv(core, vm, hardware, v);
                    break;
                case Vmcb.ExitInvd:
                    // INVD would drop dirty lines of Redoubt and of other domains: WBINVD instead.
                    if (Skip(core, vm, hardware, v, ExitInstruction.Invd, out _))
                        Cpu.Cpu.WriteBackInvalidate();
                    break;
                case Vmcb.ExitHlt:
                    if (Skip(core, vm, hardware, v, ExitInstruction.Hlt, out uint length))
                    {
                        message = NewMessage(vcpu, v);
                        message.Rip -= length;
                        message.Reason = ExitReason.Halt;
                        message.InstructionLength = length;
                        return message;
                    }
                    break;
                case Vmcb.ExitNestedPageFault:
                    message = NewMessage(vcpu, v);
                    message.Reason = ExitReason.NestedPageFault;
                    message.GuestPhysicalAddress = info2;
                    message.IsWrite = (uint)(info1 >> 1) & 1;
                    Log.Warn("svm"u8).Text("vm "u8).Decimal(vm.Domain).Text(" stopped: nested page fault at guest-physical "u8).Hex(info2)
                        .Text(" ("u8).Text((info1 & 2) != 0 ? "write"u8 : (info1 & 16) != 0 ? "fetch"u8 : "read"u8).Text("), rip "u8)
                        .Hex(message.Rip).Text("; the hypervisor and other VMs go on"u8).End();
                    StopVm(core, vm);
                    return message;
                case Vmcb.ExitShutdown:
                    message = NewMessage(vcpu, v);
                    message.Reason = ExitReason.Shutdown;
                    Log.Warn("svm"u8).Text("vm "u8).Decimal(vm.Domain).Text(" died: shutdown (triple fault) at rip "u8).Hex(message.Rip)
                        .Text("; the hypervisor and other VMs go on"u8).End();
                    StopVm(core, vm);
                    return message;
                case Vmcb.ExitVmrun or Vmcb.ExitVmload or Vmcb.ExitVmsave or Vmcb.ExitStgi or Vmcb.ExitClgi or Vmcb.ExitSkinit or Vmcb.ExitInvlpga:
                    // SVM is hidden from guests: its instructions do not exist for them.
                    InjectException(v, VectorInvalidOpcode, hasErrorCode: false);
                    break;
                default:
                    message = NewMessage(vcpu, v);
                    message.Reason = ExitReason.Shutdown;
                    Log.Error("svm"u8).Text("vm "u8).Decimal(vm.Domain).Text(" stopped: unexpected exit "u8).Hex(exit).Text(", info1 "u8).Hex(info1)
                        .Text(", info2 "u8).Hex(info2).Text(", rip "u8).Hex(message.Rip).End();
                    StopVm(core, vm);
                    return message;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ExitMessage NewMessage(VirtualCpu vcpu, byte* v) =>
        new ExitMessage { VcpuIndex = (uint)vcpu.Index, Rip = *(ulong*)(v + Vmcb.Rip) };

    // An OUT of a byte to the POST-code port: absorbed by the kernel (the null exit).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsPostCode(ulong info1) =>
        (info1 & (IoioIn | IoioString | IoioRepeat)) == 0 && (ushort)(info1 >> 16) == (ushort)TestPort.PostCode;

    // Writes the message of a port access, every field, and moves RIP past it (EXITINFO2). False
    // for the string forms, which stop the VM (the message then says Shutdown).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool WritePortIoMessage(KernelCore<RangePhysicalMemory> core, VirtualMachine vm, VirtualCpu vcpu, SvmVcpu hardware, byte* v,
        ulong info1, ulong info2, ref ExitMessage message)
    {
        ulong rip = *(ulong*)(v + Vmcb.Rip);
        ushort port = (ushort)(info1 >> 16);
        // SZ8, SZ16 and SZ32 are one-hot bits 4-6: the field is the size in bytes.
        uint size = (uint)(info1 >> 4) & 7;
        uint write = (uint)~info1 & (uint)IoioIn;
        // VcpuIndex is set at launch; GuestPhysicalAddress, Reserved and NextTimerDeadline are
        // never written for port I/O and stay zero.
        message.Rip = rip;
        message.Qualification = port;
        if ((info1 & (IoioString | IoioRepeat)) != 0)
        {
            message.Reason = ExitReason.Shutdown;
            message.InstructionLength = 0;
            message.AccessSize = 0;
            message.Data = 0;
            message.IsWrite = 0;
            StopForStringIo(core, vm, port);
            return false;
        }
        *(ulong*)(v + Vmcb.Rip) = info2;
        message.Reason = ExitReason.PortIo;
        message.InstructionLength = (uint)(info2 - rip);
        message.AccessSize = size;
        message.IsWrite = write;
        if (write != 0)
        {
            message.Data = *(ulong*)(v + Vmcb.Rax) & ((1UL << (int)(size * 8)) - 1);
        }
        else
        {
            message.Data = 0;
            hardware.PendingReadSize = size;
        }
        return true;
    }

    // The VM never runs again: its vCPUs' hardware state is scrubbed now.
    private static void StopVm(KernelCore<RangePhysicalMemory> core, VirtualMachine vm)
    {
        core.StopVm(vm.Domain);
        SvmHost.ScrubStopped(core, vm.Domain);
    }

    private static void StopForStringIo(KernelCore<RangePhysicalMemory> core, VirtualMachine vm, ushort port)
    {
        Log.Error("svm"u8).Text("vm "u8).Decimal(vm.Domain).Text(" stopped: string port I/O (INS/OUTS) at port "u8).Hex(port)
            .Text(" is not supported yet"u8).End();
        StopVm(core, vm);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void HandleCpuid(KernelCore<RangePhysicalMemory> core, VirtualMachine vm, SvmVcpu hardware, byte* v)
    {
        if (Skip(core, vm, hardware, v, ExitInstruction.Cpuid, out _))
            CpuidExit.Answer(hardware, v);
    }

    // The usual CPUID exit in one straight line: guest paging off, the code page the last one
    // translated (and the nested table unchanged since), CPUID without prefix there, a leaf the
    // table keeps. False, having changed nothing, when any of that does not hold.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryCpuidFast(KernelCore<RangePhysicalMemory> core, SvmVcpu hardware, byte* v)
    {
        if ((*(ulong*)(v + Vmcb.Cr0) & Cr0Paging) != 0)
            return false;
        ulong linear = (*(ulong*)(v + Vmcb.Rip) + *(ulong*)(v + Vmcb.Cs + 8)) & 0xFFFF_FFFF;
        if ((linear & 0xFFF) > 4094 || !hardware.Translations.TryLast(linear & ~0xFFFUL, out ulong hostPage))
            return false;
        byte* code = (byte*)RangePhysicalMemory.KernelAddress(hostPage + (linear & 0xFFF));
        uint leaf = (uint)*(ulong*)(v + Vmcb.Rax);
        ref readonly CpuidResult kept = ref hardware.Cpuid.Find(leaf, out bool found);
        if (code[0] != 0x0F || code[1] != 0xA2 || !found)
            return false;
        *(ulong*)(v + Vmcb.Rip) += 2;
        *(ulong*)(v + Vmcb.Rax) = kept.Eax;
        hardware.Switch.Rbx = kept.Ebx;
        hardware.Switch.Rcx = CpuidPolicy.ReflectGuestEcx(leaf, kept.Ecx, *(ulong*)(v + Vmcb.Cr4));
        hardware.Switch.Rdx = kept.Edx;
        return true;
    }

    // The guest's hypercall, through the same decode/validate/perform path as Dom0's, with the
    // VM as caller. Out: RAX = status, RDI/RSI/RDX = results; every other register kept.
    private static void HandleHypercall(KernelCore<RangePhysicalMemory> core, VirtualMachine vm, SvmVcpu hardware, byte* v)
    {
        if (!HypercallEntry.IsFromKernelMode(v, vm.Domain) || !Skip(core, vm, hardware, v, ExitInstruction.Vmmcall, out _))
            return;
        var registers = new HypercallRegisters
        {
            Number = *(ulong*)(v + Vmcb.Rax),
            Arg0 = hardware.Switch.Rdi,
            Arg1 = hardware.Switch.Rsi,
            Arg2 = hardware.Switch.Rdx,
            Arg3 = hardware.Switch.R10,
            Arg4 = hardware.Switch.R8,
            Arg5 = hardware.Switch.R9,
        };
        HypercallResult result = HypercallEntry.Dispatch(core, vm.Domain, registers);
        *(ulong*)(v + Vmcb.Rax) = (ulong)result.Status;
        hardware.Switch.Rdi = result.Result0;
        hardware.Switch.Rsi = result.Result1;
        hardware.Switch.Rdx = result.Result2;
    }

    private static void HandleMsr(KernelCore<RangePhysicalMemory> core, VirtualMachine vm, SvmVcpu hardware, byte* v, bool write)
    {
        if (!Skip(core, vm, hardware, v, write ? ExitInstruction.Wrmsr : ExitInstruction.Rdmsr, out uint length))
            return;
        uint msr = (uint)hardware.Switch.Rcx;
        ulong value = (*(ulong*)(v + Vmcb.Rax) & 0xFFFF_FFFF) | (hardware.Switch.Rdx << 32);
        if (!MsrEmulation.Apply(hardware, msr, write, ref value))
        {
            Log.Warn("svm"u8).Text("vm "u8).Decimal(vm.Domain).Text(write ? " wrote MSR "u8 : " read MSR "u8).Hex(msr)
                .Text(": refused by the MSR policy (#GP)"u8).End();
            *(ulong*)(v + Vmcb.Rip) -= length;
            InjectException(v, VectorGeneralProtection, hasErrorCode: true);
            return;
        }
        if (!write)
        {
            *(ulong*)(v + Vmcb.Rax) = value & 0xFFFF_FFFF;
            hardware.Switch.Rdx = value >> 32;
        }
    }

    private static void HandleXsetbv(KernelCore<RangePhysicalMemory> core, VirtualMachine vm, SvmVcpu hardware, byte* v)
    {
        if (!Skip(core, vm, hardware, v, ExitInstruction.Xsetbv, out uint length))
            return;
        ulong value = (*(ulong*)(v + Vmcb.Rax) & 0xFFFF_FFFF) | (hardware.Switch.Rdx << 32);
        if ((uint)hardware.Switch.Rcx != 0 || !XcrPolicy.IsValidXcr0(value, SvmSupport.HostXcr0))
        {
            *(ulong*)(v + Vmcb.Rip) -= length;
            InjectException(v, VectorGeneralProtection, hasErrorCode: true);
            return;
        }
        hardware.Switch.GuestXcr0 = value;
    }

    // Moves RIP past the exiting instruction. When the guest's code at RIP is not that
    // instruction (it changed under the exit), the guest gets #UD instead and false is returned.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Skip(KernelCore<RangePhysicalMemory> core, VirtualMachine vm, SvmVcpu hardware, byte* v, ExitInstruction instruction, out uint length)
    {
        ReadOnlySpan<byte> code = GuestCode.Fetch(core, vm, hardware.Translations, v, hardware.CodeScratch);
        length = (uint)InstructionLength.OfUnprefixed(code, instruction);
        if (length == 0)
            length = (uint)InstructionLength.Of(code, instruction, IsLongMode(v));
        if (length == 0)
        {
            InjectException(v, VectorInvalidOpcode, hasErrorCode: false);
            return false;
        }
        *(ulong*)(v + Vmcb.Rip) += length;
        return true;
    }

    private static bool IsLongMode(byte* v) =>
        (*(ulong*)(v + Vmcb.Efer) & EferLongModeActive) != 0 && (*(ushort*)(v + Vmcb.Cs + 2) & Vmcb.AttributeLong) != 0;

    private static void InjectException(byte* v, byte vector, bool hasErrorCode) =>
        *(ulong*)(v + Vmcb.EventInjection) = vector | Vmcb.EventException | Vmcb.EventValid | (hasErrorCode ? Vmcb.EventErrorCodeValid : 0);
}
