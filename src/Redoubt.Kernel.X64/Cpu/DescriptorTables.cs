using System.Runtime;
using System.Runtime.CompilerServices;

namespace Redoubt.Kernel.X64.Cpu;

// Redoubt's own GDT (null, 64-bit code, data, TSS), TSS and IDT for exceptions 0-31. Installed
// once per CPU at boot: each CPU has its own GDT and TSS (its own interrupt stack), the IDT is
// shared; the tables live in static storage and never move.
// Safe: pointers are taken with fixed on static storage that lives as long as the kernel, and
// descriptor formats follow SDM vol. 3 3.4.5, 7.2.3 and 6.14.1.
internal static unsafe class DescriptorTables
{
    public const ushort CodeSelector = 0x08;
    public const ushort DataSelector = 0x10;
    public const ushort TssSelector = 0x18;

    // Vectors whose handler must run on IST1: NMI, double fault, page fault (stack overflow
    // arrives as a page fault on a guard page), machine check.
    private static bool UsesInterruptStack(int vector) => vector is 2 or 8 or 14 or 18;

    public const int MaxCpus = 8;
    private const int GdtEntries = 5;

    private static readonly TaskStateSegment[] s_tss = new TaskStateSegment[MaxCpus];
    private static readonly ulong[] s_gdt = new ulong[MaxCpus * GdtEntries];
    private static readonly IdtEntry[] s_idt = new IdtEntry[256];

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtTrapVectors")]
    private static extern ulong* TrapVectors();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtTimerVector")]
    private static extern ulong TimerVector();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtSpuriousVector")]
    private static extern ulong SpuriousVector();

    public static void Install(ulong interruptStackTop) => Install(0, interruptStackTop);

    // cpu: 0 for the boot CPU, 1..MaxCpus-1 for the others (SecondaryCpus checks the bound).
    public static void Install(int cpu, ulong interruptStackTop)
    {
        fixed (TaskStateSegment* tss = &s_tss[cpu])
        fixed (ulong* gdt = &s_gdt[cpu * GdtEntries])
        fixed (IdtEntry* idt = s_idt)
        {
            tss->Ist1 = interruptStackTop;
            tss->IoMapBase = (ushort)sizeof(TaskStateSegment);   // no I/O permission bitmap

            gdt[0] = 0;
            gdt[1] = 0x00AF9A000000FFFF;   // 64-bit code, ring 0
            gdt[2] = 0x00CF92000000FFFF;   // data, ring 0
            ulong tssBase = (ulong)tss, tssLimit = (ulong)sizeof(TaskStateSegment) - 1;
            gdt[3] = (tssLimit & 0xFFFF) | ((tssBase & 0xFFFFFF) << 16) | (0x89UL << 40) | (((tssLimit >> 16) & 0xF) << 48) | (((tssBase >> 24) & 0xFF) << 56);
            gdt[4] = tssBase >> 32;

            DescriptorPointer gdtr = new DescriptorPointer { Limit = GdtEntries * 8 - 1, Base = (ulong)gdt };
            Cpu.LoadGdt(&gdtr, CodeSelector, DataSelector);
            Cpu.LoadTaskRegister(TssSelector);

            ulong* vectors = TrapVectors();
            for (int vector = 0; vector < 32; vector++)
                idt[vector] = IdtEntry.InterruptGate(vectors[vector], CodeSelector, UsesInterruptStack(vector) ? (byte)1 : (byte)0);
            idt[LocalApic.TimerVector] = IdtEntry.InterruptGate(TimerVector(), CodeSelector, 0);
            idt[LocalApic.SpuriousVector] = IdtEntry.InterruptGate(SpuriousVector(), CodeSelector, 0);
            DescriptorPointer idtr = new DescriptorPointer { Limit = (ushort)(256 * sizeof(IdtEntry) - 1), Base = (ulong)idt };
            Cpu.LoadIdt(&idtr);
        }
    }
}
