using System.Runtime;
using System.Runtime.CompilerServices;

namespace Redoubt.Kernel.X64.Paging;

// Frames for the kernel's own page tables: a fixed pool in the image's .bss (Boot/cpu.asm).
// Frames are handed out once, zeroed, and never returned.
// Safe: every frame lies inside the pool the linker reserved, which the kernel maps writable.
internal static unsafe class TableFramePool
{
    private static ulong s_next;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtTablePoolStart")]
    private static extern ulong PoolStart();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtTablePoolEnd")]
    private static extern ulong PoolEnd();

    public static ulong Used => s_next == 0 ? 0 : (s_next - PoolStart()) / 4096;

    public static ulong Capacity => (PoolEnd() - PoolStart()) / 4096;

    // Frames handed out in address order: consecutive calls are contiguous. The first of count
    // frames, or 0 when the pool has fewer left.
    public static ulong AllocateContiguous(int count)
    {
        if (s_next == 0)
            s_next = PoolStart();
        if (count < 1 || s_next + (ulong)count * 4096 > PoolEnd())
            return 0;
        ulong first = Allocate();
        for (int i = 1; i < count; i++)
            Allocate();
        return first;
    }

    // Writes pattern over the upper half of the frames not yet handed out, which the few
    // allocations still to come do not reach (Allocate takes frames from the bottom and zeroes
    // them); returns the range written.
    public static Redoubt.Kernel.Paging.AddressRange FillUnusedUpperHalf(System.ReadOnlySpan<byte> pattern)
    {
        if (s_next == 0)
            s_next = PoolStart();
        ulong start = s_next + (PoolEnd() - s_next) / 2 & ~4095UL;
        var unused = new System.Span<byte>((void*)start, (int)(PoolEnd() - start));
        for (int at = 0; at + pattern.Length <= unused.Length; at += pattern.Length)
            pattern.CopyTo(unused.Slice(at));
        return new Redoubt.Kernel.Paging.AddressRange(start, PoolEnd());
    }

    public static ulong Allocate()
    {
        if (s_next == 0)
            s_next = PoolStart();
        if (s_next >= PoolEnd())
            return 0;
        ulong frame = s_next;
        s_next += 4096;
        ulong* words = (ulong*)frame;
        for (int i = 0; i < 512; i++)
            words[i] = 0;
        return frame;
    }
}
