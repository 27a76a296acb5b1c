namespace Redoubt.Kernel.Host.Support;

// The PCI filter's promise over a PciModel, checked from the registers alone: a function with
// memory decoding on decodes, with every memory BAR, enabled ROM and bridge window, only where
// TestDecodePolicy allows, a BAR or ROM parked at all ones by the sizing protocol included.
// Returns the first violation, or null.
public static class PciDecodeCheck
{
    public static string? Violation(PciModel model, uint function, int bars, int rom)
    {
        (uint[] registers, uint[] writable) = model.Functions[function];
        if ((registers[1] & 2) == 0)
            return null;
        var policy = new TestDecodePolicy();
        for (int bar = 0; bar < bars; bar++)
        {
            uint low = registers[4 + bar];
            bool wide = (low & 7) == 4 && bar + 1 < bars;
            ulong mask = writable[4 + bar] | (wide ? (ulong)writable[5 + bar] << 32 : 0);
            if ((low & 1) != 0 || mask == 0)
            {
                if (wide)
                    bar++;
                continue;
            }
            ulong @base = (low | (wide ? (ulong)registers[5 + bar] << 32 : 0)) & mask;
            if (!policy.MayDecode(@base, @base + (mask & (~mask + 1)) - 1))
                return $"function {function:x} BAR {bar} at {@base:x}, command {registers[1]:x}, low {low:x}";
            if (wide)
                bar++;
        }
        uint romValue = registers[rom / 4];
        uint romMask = writable[rom / 4] & 0xFFFF_F800;
        if ((romValue & 1) != 0
            && !policy.MayDecode(romValue & romMask, (romValue & romMask) + (romMask & (~romMask + 1)) - 1))
            return $"function {function:x} ROM at {romValue:x}";
        if (bars == 2)
        {
            uint memory = registers[8];
            ulong memoryBase = (memory & 0xFFF0) << 16, memoryLimit = ((memory >> 16 & 0xFFF0) << 16) | 0xF_FFFF;
            if (memoryBase <= memoryLimit && !policy.MayDecode(memoryBase, memoryLimit))
                return $"function {function:x} memory window {memory:x}";
            uint prefetch = registers[9];
            ulong prefetchBase = ((ulong)(prefetch & 0xFFF0) << 16) | ((ulong)registers[10] << 32);
            ulong prefetchLimit = ((ulong)(prefetch >> 16 & 0xFFF0) << 16) | 0xF_FFFF | ((ulong)registers[11] << 32);
            if (prefetchBase <= prefetchLimit && !policy.MayDecode(prefetchBase, prefetchLimit))
                return $"function {function:x} prefetchable window {prefetch:x}";
        }
        return null;
    }
}
