using System.Runtime.InteropServices;
using Redoubt.Kernel.Traps;
using Redoubt.Kernel.X64.Boot;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Cpu;
using Redoubt.Kernel.X64.Dom0;

namespace Redoubt.Kernel.X64.Traps;

// Entered from Boot/traps.asm for every CPU exception. Redoubt takes no exception on purpose in
// its own code, so each one is a panic that names the fault (page faults: the address and the
// kind of access) and dumps the registers.
internal static unsafe class TrapHandler
{
    // Safe: the frame pointer comes from Boot/traps.asm and points at the registers it pushed.

    private const ulong NmiVector = 2;

    [UnmanagedCallersOnly(EntryPoint = "RedoubtTrap")]
    private static void OnTrap(TrapFrame* frame)
    {
        // The only interrupts Redoubt takes: its own timer and the APIC's spurious vector.
        if (frame->Vector == LocalApic.TimerVector)
        {
            LocalApic.OnTimer();
            return;
        }
        if (frame->Vector == LocalApic.SpuriousVector)
            return;
        // Every NMI is taken here once (one that arrived in Dom0 made it exit and stayed pending
        // while GIF was clear): Redoubt's, or Dom0's to be injected (Dom0Cpus).
        if (frame->Vector == NmiVector)
        {
            Dom0Cpus.TakeNmi();
            return;
        }
        if (!Panic.Begin())
            Panic.Stop();
        ulong faultAddress = Cpu.Cpu.ReadCr2();
        var line = Log.Panic("trap"u8);
        if (frame->Vector == 14)
        {
            PageFaultKind kind = TrapDiagnosis.ClassifyPageFault(faultAddress, frame->ErrorCode, StackBounds.StackGuard, StackBounds.StackGuard + 4096);
            if (kind != PageFaultKind.StackOverflow)
                kind = TrapDiagnosis.ClassifyPageFault(faultAddress, frame->ErrorCode, StackBounds.TrapStackGuard, StackBounds.TrapStackGuard + 4096);
            line.Text(TrapDiagnosis.Describe(kind)).Text(" at address "u8).Hex(faultAddress);
        }
        else
        {
            line.Text(TrapDiagnosis.VectorName(frame->Vector)).Text(" (vector "u8).Decimal(frame->Vector).Text(")"u8);
        }
        line.Text(", rip="u8).Hex(frame->Rip).Text(", error code "u8).Hex(frame->ErrorCode).End();
        DumpRegisters(frame, faultAddress);
        Panic.Halt();
    }

    private static void DumpRegisters(TrapFrame* frame, ulong cr2)
    {
        Log.Panic("registers"u8).Text("rax="u8).Hex(frame->Rax).Text(" rbx="u8).Hex(frame->Rbx).Text(" rcx="u8).Hex(frame->Rcx).Text(" rdx="u8).Hex(frame->Rdx).End();
        Log.Panic("registers"u8).Text("rsi="u8).Hex(frame->Rsi).Text(" rdi="u8).Hex(frame->Rdi).Text(" rbp="u8).Hex(frame->Rbp).Text(" rsp="u8).Hex(frame->Rsp).End();
        Log.Panic("registers"u8).Text("r8="u8).Hex(frame->R8).Text(" r9="u8).Hex(frame->R9).Text(" r10="u8).Hex(frame->R10).Text(" r11="u8).Hex(frame->R11).End();
        Log.Panic("registers"u8).Text("r12="u8).Hex(frame->R12).Text(" r13="u8).Hex(frame->R13).Text(" r14="u8).Hex(frame->R14).Text(" r15="u8).Hex(frame->R15).End();
        Log.Panic("registers"u8).Text("rip="u8).Hex(frame->Rip).Text(" rflags="u8).Hex(frame->Rflags).Text(" cs="u8).Hex(frame->Cs).Text(" ss="u8).Hex(frame->Ss).End();
        Log.Panic("registers"u8).Text("cr0="u8).Hex(Cpu.Cpu.ReadCr0()).Text(" cr2="u8).Hex(cr2).Text(" cr3="u8).Hex(Cpu.Cpu.ReadCr3()).Text(" cr4="u8).Hex(Cpu.Cpu.ReadCr4()).End();
    }
}
