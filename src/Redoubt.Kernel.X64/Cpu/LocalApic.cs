using Redoubt.Kernel.Paging;
using Redoubt.Kernel.X64.Paging;

namespace Redoubt.Kernel.X64.Cpu;

// The local APIC in xAPIC mode. Before Dom0 exists, the boot CPU's periodic timer lets the
// kernel take the CPU back from a guest (an INTR exit); interrupts stay disabled in the kernel
// except in Cpu.AcceptInterrupts, right after such an exit. Redoubt also sends INIT and STARTUP
// to start the other CPUs, and carries out Dom0's accesses to its APIC (every CPU's APIC sits at
// the same address and each CPU reaches its own).
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

    private const int IdRegister = 0x20, CommandLow = 0x300, CommandHigh = 0x310;
    private const uint DeliveryNmi = 4u << 8, DeliveryInit = 5u << 8, DeliveryStartup = 6u << 8, LevelAssert = 1u << 14, LevelTriggered = 1u << 15;
    private const uint DeliveryPending = 1u << 12;

    public static ulong Base => s_base;

    // Maps this machine's APIC page uncached into the kernel's address space (once).
    public static bool Map()
    {
        if (s_base != 0)
            return true;
        ulong apicBase = Cpu.ReadMsr(ApicBaseMsr) & 0x000F_FFFF_FFFF_F000;
        if (KernelAddressSpace.Table.Lookup(apicBase, out _) == 0
            && KernelAddressSpace.Table.Map(apicBase, apicBase, 4096, PageAttributes.Writable | PageAttributes.Uncached) != MapStatus.Success)
            return false;
        s_base = apicBase;
        return true;
    }

    // The calling CPU's APIC ID.
    public static uint Id => Read(IdRegister) >> 24;

    public static bool Start(uint initialCount)
    {
        if (!Map())
            return false;
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

    // INIT (assert, then deassert) to one CPU by physical APIC ID.
    public static void SendInit(uint apicId)
    {
        SendCommand(apicId, DeliveryInit | LevelAssert | LevelTriggered);
        SendCommand(apicId, DeliveryInit | LevelTriggered);
    }

    public static void SendStartup(uint apicId, uint vector) => SendCommand(apicId, DeliveryStartup | (vector & 0xFF));

    public static void SendNmi(uint apicId) => SendCommand(apicId, DeliveryNmi);

    // Register access at a byte offset in the APIC page (for Dom0's accesses, which Redoubt
    // carries out on the CPU that made them).
    public static uint Read(int register) => *(uint*)(s_base + (ulong)register);

    public static void Write(int register, uint value) => *(uint*)(s_base + (ulong)register) = value;

    private static void SendCommand(uint apicId, uint command)
    {
        Write(CommandHigh, apicId << 24);
        Write(CommandLow, command);
        for (int spin = 0; spin < 1_000_000 && (Read(CommandLow) & DeliveryPending) != 0; spin++)
            Cpu.Pause();
    }
}
