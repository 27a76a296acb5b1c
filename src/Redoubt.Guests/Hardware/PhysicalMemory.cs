using System.Runtime;
using System.Runtime.CompilerServices;

namespace Redoubt.Guests.Hardware;

// The guest's RAM, reached through the entry stub's identity map of the first 4 GiB (so an
// address is both virtual and guest-physical), and the bounds of this image in it.
internal static unsafe class PhysicalMemory
{
    public static ulong ImageStart => RedoubtGuestImageStart();

    // The first byte past the image, .bss (stack, arena) included.
    public static ulong ImageEnd => RedoubtGuestImageEnd();

    // Safe: the programs pass ranges of their own RAM outside this image, where nothing managed
    // lives, and the identity map covers every address below 4 GiB (RAM sizes are 32-bit).
    public static void Fill(ulong start, ulong end, ulong pattern)
    {
        for (ulong* qword = (ulong*)start; qword < (ulong*)end; qword++)
            *qword = pattern;
    }

    // Safe: as Fill, and it only reads.
    public static ulong CountMatches(ulong start, ulong end, ulong pattern)
    {
        ulong matches = 0;
        for (ulong* qword = (ulong*)start; qword < (ulong*)end; qword++)
        {
            if (*qword == pattern)
                matches++;
        }
        return matches;
    }

    // One load the compiler cannot drop: some programs read an address to see who stops them.
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtGuestReadQword")]
    public static extern ulong Read(ulong address);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtGuestImageStart")]
    private static extern ulong RedoubtGuestImageStart();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtGuestImageEnd")]
    private static extern ulong RedoubtGuestImageEnd();
}
