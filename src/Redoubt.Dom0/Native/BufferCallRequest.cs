using System.Runtime.InteropServices;

namespace Redoubt.Dom0.Native;

// struct redoubt_buffer_call (src/Redoubt.Dom0/Driver/redoubt_ioctl.h, DriverAbi): the call's
// registers in and out, then the caller's buffer. 13 u64s, 104 bytes.
[StructLayout(LayoutKind.Sequential)]
internal struct BufferCallRequest
{
    public ulong Rax, Rdi, Rsi, Rdx, R10, R8, R9;
    public ulong OutRax, OutRdi, OutRsi, OutRdx;
    public ulong Buffer;
    public ulong Length;
}
