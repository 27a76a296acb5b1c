namespace Redoubt.Kernel.Virtualization;

// Which XCR0 values a guest may set with XSETBV (docs/msr-policy.md, "XCR0"). The kernel loads
// the guest's XCR0 with its own XSETBV before entering the guest, so every value the CPU would
// refuse with #GP (Intel SDM vol. 1 13.3, AMD APM vol. 3 XSETBV) must be refused here first, or
// the fault would happen in the kernel. And the guest gets no state component the host does
// not enable.
public static class XcrPolicy
{
    private const ulong X87 = 1UL << 0, Sse = 1UL << 1, Avx = 1UL << 2;
    private const ulong Mpx = (1UL << 3) | (1UL << 4);                       // BNDREGS, BNDCSR
    private const ulong Avx512 = (1UL << 5) | (1UL << 6) | (1UL << 7);       // opmask, ZMM_Hi256, Hi16_ZMM
    private const ulong Amx = (1UL << 17) | (1UL << 18);                     // XTILECFG, XTILEDATA

    // XSETBV with ECX = index: only XCR0 exists.
    public static bool IsValidXsetbv(uint index, ulong value, ulong hostXcr0) =>
        index == 0 && IsValidXcr0(value, hostXcr0);

    public static bool IsValidXcr0(ulong value, ulong hostXcr0)
    {
        if ((value & ~hostXcr0) != 0 || (value & X87) == 0)
            return false;
        if ((value & Avx) != 0 && (value & Sse) == 0)
            return false;
        if (!AllOrNone(value, Mpx) || !AllOrNone(value, Amx) || !AllOrNone(value, Avx512))
            return false;
        return (value & Avx512) == 0 || (value & Avx) != 0;
    }

    private static bool AllOrNone(ulong value, ulong bits) => (value & bits) == 0 || (value & bits) == bits;
}
