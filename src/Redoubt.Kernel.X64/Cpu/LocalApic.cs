using Redoubt.Kernel.Paging;
using Redoubt.Kernel.X64.Paging;

namespace Redoubt.Kernel.X64.Cpu;

// The boot CPU's local APIC in xAPIC mode: only its periodic timer, which lets the kernel take
// the CPU back from a guest (an INTR exit). Interrupts stay disabled in the kernel except in
// Cpu.AcceptInterrupts, right after such an exit.
// Safe: registers are read and written at the APIC base the IA32_APIC_BASE MSR reports, which
// Start maps uncached into the kernel's address space first.
internal static unsafe class LocalApic
{
    public const byte TimerVector = 0x20, SpuriousVector = 0xFF;
    private const uint ApicBaseMsr = 0x1B;
    private const int EndOfInterrupt = 0xB0, SpuriousRegister = 0xF0, TimerLvt = 0x320, InitialCount = 0x380, DivideConfig = 0x3E0;
    private const uint Periodic = 1u << 17, Masked = 1u << 16, ApicEnable = 1u << 8;

    private static ulong s_base;

    public static ulong Ticks;

    public static bool Start(uint initialCount)
    {
        ulong apicBase = Cpu.ReadMsr(ApicBaseMsr) & 0x000F_FFFF_FFFF_F000;
        if (KernelAddressSpace.Table.Lookup(apicBase, out _) == 0
            && KernelAddressSpace.Table.Map(apicBase, apicBase, 4096, PageAttributes.Writable | PageAttributes.Uncached) != MapStatus.Success)
            return false;
        s_base = apicBase;
        Write(SpuriousRegister, ApicEnable | SpuriousVector);
        Write(DivideConfig, 0x3);                         // divide by 16
        Write(TimerLvt, Periodic | TimerVector);
        Write(InitialCount, initialCount);
        return true;
    }

    public static void Stop()
    {
        Write(TimerLvt, Masked | TimerVector);
        Write(InitialCount, 0);
    }

    public static void OnTimer()
    {
        Ticks++;
        Write(EndOfInterrupt, 0);
    }

    private static void Write(int register, uint value) => *(uint*)(s_base + (ulong)register) = value;
}
