using System.Runtime.InteropServices;

namespace Redoubt.Kernel.X64.Boot;

// hvm_start_info of the PVH boot protocol (Xen public/arch-x86/hvm/start_info.h), version >= 1.
[StructLayout(LayoutKind.Sequential)]
internal struct PvhStartInfo
{
    public const uint ExpectedMagic = 0x336ec578;

    public uint Magic;
    public uint Version;
    public uint Flags;
    public uint ModuleCount;
    public ulong ModuleListAddress;
    public ulong CommandLineAddress;
    public ulong RsdpAddress;
    public ulong MemoryMapAddress;
    public uint MemoryMapEntries;
    public uint Reserved;
}
