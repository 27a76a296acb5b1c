namespace Redoubt.Dom0.Control;

// The ioctl interface of /dev/redoubt, Redoubt's Dom0 driver, as redoubtctl uses it: the C#
// copy of src/Redoubt.Dom0/Driver/redoubt_ioctl.h (docs/dom0-driver.md), which
// tests/Redoubt.Dom0.Tests/DriverAbiTests.cs compiles and compares with these constants.
// Request numbers are Linux's _IOWR(type, number, size): 3 << 30 | size << 16 | type << 8 |
// number (include/uapi/asm-generic/ioctl.h).
public static class DriverAbi
{
    public const string DevicePath = "/dev/redoubt";
    public const uint IoctlType = 0xB7;

    // struct redoubt_hypercall: u64 in[7] (RAX, RDI, RSI, RDX, R10, R8, R9), u64 out[4] (RAX,
    // RDI, RSI, RDX). struct redoubt_buffer_call: a redoubt_hypercall, u64 buffer (the caller's
    // address), u64 length. struct redoubt_memory: u64 vm, guest, pages, status.
    public const int HypercallSize = 88, BufferCallSize = 104, MemorySize = 32;
    public const int BufferCallBufferOffset = 88, BufferCallLengthOffset = 96;

    // The largest buffer of a buffer call (the ABI's 1 MiB), the most pages of one donation.
    public const uint BufferMax = 1u << 20, DonateMax = 1024;

    public const uint IoctlHypercall = ReadWrite | (HypercallSize << 16) | (IoctlType << 8) | 0;
    public const uint IoctlBufferCall = ReadWrite | (BufferCallSize << 16) | (IoctlType << 8) | 1;
    public const uint IoctlDonate = ReadWrite | (MemorySize << 16) | (IoctlType << 8) | 2;
    public const uint IoctlReclaim = ReadWrite | (MemorySize << 16) | (IoctlType << 8) | 3;
    public const uint IoctlDestroy = ReadWrite | (MemorySize << 16) | (IoctlType << 8) | 4;

    private const uint ReadWrite = 3u << 30;
}
