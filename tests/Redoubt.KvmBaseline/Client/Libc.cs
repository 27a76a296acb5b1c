using System.Runtime.InteropServices;

namespace Redoubt.KvmBaseline;

/// <summary>The few libc calls the client needs, bound at link time (DirectPInvoke).</summary>
internal static unsafe class Libc
{
    public const int O_RDWR = 2;
    public const int O_CLOEXEC = 0x80000;
    public const int PROT_READ = 1;
    public const int PROT_WRITE = 2;
    public const int MAP_SHARED = 1;
    public const int MAP_PRIVATE = 2;
    public const int MAP_ANONYMOUS = 0x20;
    public const int CLOCK_MONOTONIC = 1;
    public const int EINTR = 4;
    public const int EAGAIN = 11;

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    public static extern int Open(byte* path, int flags);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    public static extern int Close(int fd);

    // ioctl is variadic in C; on x86-64 System V a fixed third integer argument is passed the
    // same way, so this declaration is ABI-compatible for every request used here.
    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static extern int Ioctl(int fd, nuint request, nint argument);

    // KVM_RUN is the hot call: every exit to user space is one. These two imports leave out
    // SetLastError's errno save/restore (the caller reads errno itself only on failure), and the
    // second also the GC transition: the client is single-threaded, allocates nothing in its
    // run loop and never needs the GC while a vCPU runs, so it is safe here even though a
    // KVM_RUN can last seconds when the guest's exits are all handled in the kernel.
    [DllImport("libc", EntryPoint = "ioctl")]
    public static extern int IoctlNoErrno(int fd, nuint request, nint argument);

    [DllImport("libc", EntryPoint = "ioctl")]
    [SuppressGCTransition]
    public static extern int IoctlNoTransition(int fd, nuint request, nint argument);

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    public static extern void* Mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [DllImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    public static extern int ClockGetTime(int clock, Timespec* time);

    /// <summary>CLOCK_MONOTONIC in nanoseconds.</summary>
    public static long MonotonicNanoseconds()
    {
        Timespec time;
        if (ClockGetTime(CLOCK_MONOTONIC, &time) != 0)
        {
            throw new KvmException("clock_gettime(CLOCK_MONOTONIC)", Marshal.GetLastPInvokeError());
        }

        return (time.Seconds * 1_000_000_000L) + time.Nanoseconds;
    }
}
