namespace Redoubt.Kernel.X64.Cpu;

// The boot CPU's MTRRs, put on every CPU Redoubt starts. Firmware programs them alike on all
// CPUs, and real CPUs keep them across INIT; QEMU resets them at INIT, and Dom0 may not write
// them (Dom0MsrPolicy: they are the memory types of Redoubt and every VM). So Redoubt makes the
// CPUs agree itself, before any of them runs Dom0, and Linux finds nothing to correct.
// Invariant: Apply allocates nothing (it runs on secondary CPUs); Capture runs on the boot CPU
// before they start.
internal static unsafe class MtrrSync
{
    private const uint Capabilities = 0xFE, DefaultType = 0x2FF, FirstVariable = 0x200;
    private const int MaxVariable = 8;

    // The fixed-range MTRRs (Intel SDM vol. 3 11.11.2.2).
    private static readonly uint[] s_fixed = [0x250, 0x258, 0x259, 0x268, 0x269, 0x26A, 0x26B, 0x26C, 0x26D, 0x26E, 0x26F];

    // The MSRs kept and the boot CPU's values; MTRR_DEF_TYPE is the last.
    private static uint[]? s_msrs;
    private static ulong[]? s_values;

    // Safe: Cpuid writes four words into the stack buffer it is given.
    public static void Capture()
    {
        uint* registers = stackalloc uint[4];
        Cpu.Cpuid(1, 0, registers);
        if ((registers[3] & (1u << 12)) == 0)
            return;
        ulong capabilities = Cpu.ReadMsr(Capabilities);
        int variable = (int)(capabilities & 0xFF);
        if (variable > MaxVariable)
            variable = MaxVariable;
        bool fixedRanges = (capabilities & (1UL << 8)) != 0;
        var msrs = new uint[(fixedRanges ? s_fixed.Length : 0) + 2 * variable + 1];
        var values = new ulong[msrs.Length];
        int count = 0;
        if (fixedRanges)
        {
            foreach (uint msr in s_fixed)
                msrs[count++] = msr;
        }
        for (int i = 0; i < 2 * variable; i++)
            msrs[count++] = FirstVariable + (uint)i;
        msrs[count] = DefaultType;
        for (int i = 0; i < msrs.Length; i++)
            values[i] = Cpu.ReadMsr(msrs[i]);
        s_msrs = msrs;
        s_values = values;
    }

    // On a CPU Redoubt has just started: when any MTRR differs from the boot CPU's, all are
    // written with the MTRRs off, then MTRR_DEF_TYPE turns them on (SDM 11.11.8).
    public static bool Apply()
    {
        uint[]? msrs = s_msrs;
        ulong[]? values = s_values;
        if (msrs is null || values is null)
            return false;
        bool same = true;
        for (int i = 0; i < msrs.Length && same; i++)
            same = Cpu.ReadMsr(msrs[i]) == values[i];
        if (same)
            return false;
        Cpu.WriteMsr(DefaultType, 0);
        Cpu.WriteBackInvalidate();
        for (int i = 0; i < msrs.Length; i++)
            Cpu.WriteMsr(msrs[i], values[i]);
        Cpu.WriteBackInvalidate();
        return true;
    }
}
