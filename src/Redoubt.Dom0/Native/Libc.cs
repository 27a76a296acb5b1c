using System.Runtime.InteropServices;

namespace Redoubt.Dom0.Native;

// The few libc calls redoubtctl makes, bound at link time in the published executable
// (DirectPInvoke). Addresses are nint: pointers appear only in the unsafe block that uses them.
internal static partial class Libc
{
    public const int O_RDWR = 2, O_CLOEXEC = 0x80000;
    public const int ENOENT = 2, ENXIO = 6, EACCES = 13, ENODEV = 19, EPERM = 1;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    // ioctl(fd, request, pointer): the three-argument form every driver request takes.
    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, nint argument);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    // errno's text, as "text (errno N)".
    public static string ErrorText(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
