using System.Runtime.InteropServices;

namespace Redoubt.Abi;

// Hypercall.Info's buffer: what the kernel keeps and how physical frames are owned.
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public struct InfoRecord
{
    public const int Size = 96;

    public ulong AbiVersion;
    public ulong KernelVersion;        // major << 32 | minor << 16 | patch
    public ulong CpuCount;
    public ulong FramesTotal;
    public ulong FramesFree;
    public ulong FramesHypervisor;
    public ulong FramesDom0;
    public ulong FramesGuestPrivate;
    public ulong FramesGuestShared;
    public ulong FramesPageTable;
    public ulong VmCount;
    public ulong VcpuCount;
}
