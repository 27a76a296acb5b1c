using System;
using Redoubt.Abi;
using Redoubt.Dom0.Control;

namespace Redoubt.Dom0.Native;

// /dev/redoubt, open: hypercalls as the driver's ioctls (DriverAbi). This file holds
// redoubtctl's only unsafe code.
internal sealed class RedoubtDevice : IRedoubtDevice
{
    private int _fd;

    private RedoubtDevice(int fd) { _fd = fd; }

    public static bool TryOpen(out RedoubtDevice? device, out string? error)
    {
        device = null;
        int fd = Libc.Open(DriverAbi.DevicePath, Libc.O_RDWR | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            error = errno switch
            {
                Libc.ENOENT or Libc.ENXIO or Libc.ENODEV =>
                    $"{DriverAbi.DevicePath} is missing: Redoubt's driver (redoubt.ko) is not loaded; Dom0's /init loads it, and dmesg says why it did not ({Libc.ErrorText(errno)})",
                Libc.EACCES or Libc.EPERM =>
                    $"cannot open {DriverAbi.DevicePath}: {Libc.ErrorText(errno)}; redoubtctl must run as root",
                _ => $"cannot open {DriverAbi.DevicePath}: {Libc.ErrorText(errno)}",
            };
            return false;
        }
        device = new RedoubtDevice(fd);
        error = null;
        return true;
    }

    public bool TryCallWithBuffer(in HypercallRegisters registers, Span<byte> buffer, out HypercallResult result, out string? error)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        result = default;
        if (buffer.Length == 0 || (uint)buffer.Length > DriverAbi.BufferMax)
        {
            error = $"a buffer of {buffer.Length} bytes (the driver takes 1 to {DriverAbi.BufferMax})";
            return false;
        }
        var request = new BufferCallRequest
        {
            Rax = registers.Number, Rdi = registers.Arg0, Rsi = registers.Arg1, Rdx = registers.Arg2,
            R10 = registers.Arg3, R8 = registers.Arg4, R9 = registers.Arg5,
            Length = (ulong)buffer.Length,
        };
        int status;
        unsafe
        {
            // Safe: the driver reads and writes exactly sizeof(BufferCallRequest) bytes of
            // `request` (DriverAbiTests checks the size against the C header) and Length bytes
            // at Buffer, which is `buffer`, pinned by `fixed` for the call.
            fixed (byte* bytes = buffer)
            {
                request.Buffer = (ulong)bytes;
                status = Libc.Ioctl(_fd, DriverAbi.IoctlBufferCall, (nint)(&request));
            }
        }
        if (status != 0)
        {
            error = $"the driver refused the call: {Libc.ErrorText(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}";
            return false;
        }
        result = new HypercallResult { Status = (HypercallStatus)request.OutRax, Result0 = request.OutRdi, Result1 = request.OutRsi, Result2 = request.OutRdx };
        error = null;
        return true;
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            Libc.Close(_fd);
            _fd = -1;
        }
    }
}
