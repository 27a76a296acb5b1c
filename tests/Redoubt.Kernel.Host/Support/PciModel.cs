using System.Collections.Generic;
using Redoubt.Kernel.Platform;

namespace Redoubt.Kernel.Host.Support;

// PCI functions as the filter sees them: 4 KiB of registers each, with per-dword masks of the
// bits a write changes (BARs keep their type bits and the bits below their size). Absent
// functions read all ones.
public sealed class PciModel
{
    public readonly Dictionary<uint, (uint[] Registers, uint[] Writable)> Functions = new();

    public int Writes { get; private set; }

    public Memory Config => new(this);

    // A type-0 function with the given class (base << 8 | sub) and memory decoding on.
    public uint[] Add(uint function, uint classCode, uint vendorDevice = 0x1111_1234, bool bridge = false)
    {
        var registers = new uint[1024];
        var writable = new uint[1024];
        for (int i = 16; i < 1024; i++)
            writable[i] = uint.MaxValue;
        registers[0] = vendorDevice;
        registers[1] = 0x0000_0002 | 0x0000_0004;
        writable[1] = 0x0000_FFFF;
        registers[2] = classCode << 16;
        registers[3] = (bridge ? 1u : 0u) << 16;
        writable[8] = bridge ? 0xFFF0_FFF0 : 0;
        writable[9] = bridge ? 0xFFF0_FFF0 : 0;
        writable[10] = bridge ? uint.MaxValue : 0;
        writable[11] = bridge ? uint.MaxValue : 0;
        // Both windows disabled (base above limit), the prefetchable one 64-bit.
        if (bridge)
        {
            registers[8] = 0x0000_FFF0;
            registers[9] = 0x0001_FFF1;
        }
        Functions[function] = (registers, writable);
        return registers;
    }

    // A 32-bit memory BAR of size bytes at index bar, placed at address.
    public void Bar32(uint function, int bar, uint size, uint address)
    {
        var f = Functions[function];
        f.Registers[4 + bar] = address & ~(size - 1);
        f.Writable[4 + bar] = ~(size - 1) & 0xFFFF_FFF0;
    }

    public void Bar64(uint function, int bar, ulong size, ulong address)
    {
        var f = Functions[function];
        ulong mask = ~(size - 1) & ~0xFUL;
        f.Registers[4 + bar] = (uint)(address & mask) | 4;
        f.Registers[5 + bar] = (uint)((address & mask) >> 32);
        f.Writable[4 + bar] = (uint)mask;
        f.Writable[5 + bar] = (uint)(mask >> 32);
    }

    public void IoBar(uint function, int bar, uint port)
    {
        var f = Functions[function];
        f.Registers[4 + bar] = port | 1;
        f.Writable[4 + bar] = 0xFFFF_FFF0 & ~0xFu;
    }

    public void Rom(uint function, int offset, uint size, uint address)
    {
        var f = Functions[function];
        f.Registers[offset / 4] = address & ~(size - 1);
        f.Writable[offset / 4] = (~(size - 1) & 0xFFFF_F800) | 1;
    }

    public uint Read(uint function, int offset) =>
        Functions.TryGetValue(function, out var f) ? f.Registers[offset / 4] : uint.MaxValue;

    public void Write(uint function, int offset, uint value)
    {
        Writes++;
        if (Functions.TryGetValue(function, out var f))
            f.Registers[offset / 4] = (f.Registers[offset / 4] & ~f.Writable[offset / 4]) | (value & f.Writable[offset / 4]);
    }

    public readonly struct Memory : IPciConfig
    {
        private readonly PciModel _model;

        public Memory(PciModel model) => _model = model;

        public uint Read(uint function, int offset) => _model.Read(function, offset);

        public void Write(uint function, int offset, uint value) => _model.Write(function, offset, value);
    }
}
