using System.Runtime.InteropServices;

namespace Redoubt.Kernel.X64.Boot;

[StructLayout(LayoutKind.Sequential)]
internal struct PvhMemoryMapEntry
{
    public ulong Address;
    public ulong Size;
    public uint Type;
    public uint Reserved;
}
