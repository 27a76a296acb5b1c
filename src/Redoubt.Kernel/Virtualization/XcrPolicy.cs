namespace Redoubt.Kernel.Virtualization;

// XSETBV from a guest: only XCR0, only components the host switches (its XCR0), x87 always on,
// AVX only together with SSE (the architecture's own rules).
public static class XcrPolicy
{
    public static bool IsValidXcr0(ulong value, ulong hostXcr0) =>
        (value & 1) != 0 && (value & ~hostXcr0) == 0 && ((value & 4) == 0 || (value & 2) != 0);
}
