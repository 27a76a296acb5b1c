using Redoubt.Kernel.Paging;
using Redoubt.Kernel.X64.Paging;

namespace Redoubt.Kernel.X64.Cpu;

// The HPET's main counter at its usual base: a clock of the machine's own time (under QEMU,
// virtual time, which -icount shift=0 advances by 1 ns per guest instruction). Used by
// benchmarks only.
// Safe: the registers are read and written at the fixed HPET base, which Start maps uncached
// into the kernel's address space first; Start checks the capabilities register is sane.
internal static unsafe class Hpet
{
    private const ulong Base = 0xFED0_0000;
    private const int Capabilities = 0x000, Configuration = 0x010, MainCounter = 0x0F0;

    private static ulong s_periodFemtoseconds;

    public static bool Start()
    {
        if (KernelAddressSpace.Table.Lookup(Base, out _) == 0
            && KernelAddressSpace.Table.Map(Base, Base, 4096, PageAttributes.Writable | PageAttributes.Uncached) != MapStatus.Success)
            return false;
        ulong period = *(ulong*)(Base + Capabilities) >> 32;
        if (period == 0 || period > 100_000_000)
            return false;
        s_periodFemtoseconds = period;
        *(ulong*)(Base + Configuration) |= 1;
        return true;
    }

    public static ulong Nanoseconds => *(ulong*)(Base + MainCounter) * s_periodFemtoseconds / 1_000_000;
}
