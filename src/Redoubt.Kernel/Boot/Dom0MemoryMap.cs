using System;
using Redoubt.Kernel.Memory;

namespace Redoubt.Kernel.Boot;

// The E820 map Dom0 boots with: the firmware's map, with every frame of RAM Redoubt keeps (its
// image, its table pool, guests' memory, nested tables) marked reserved rather than RAM. Only
// whole frames Dom0 owns are RAM. Firmware ranges keep their type (ACPI tables stay findable);
// keeping Redoubt's frames in the map as reserved, instead of leaving holes, stops Dom0 from
// placing PCI windows over them. Adjacent entries of one type are merged; the result is sorted
// and never overlaps (what LinuxBootParams.Build requires).
public static class Dom0MemoryMap
{
    private const ulong FrameSize = 4096;

    public static Dom0MemoryMapStatus Build(MemoryMap firmware, FrameTable frames, Span<E820Entry> output, out int count)
    {
        count = 0;
        var writer = new Writer(output);
        foreach (MemoryRegion region in firmware.Regions)
        {
            if (region.Kind != MemoryKind.Usable)
            {
                writer.Add(region.Base, region.End, TypeOf(region.Kind));
                continue;
            }
            // Usable RAM: frame by frame, RAM where Dom0 owns the whole frame, else reserved.
            for (ulong address = region.Base; address < region.End;)
            {
                ulong frame = address / FrameSize;
                ulong frameEnd = (frame + 1) * FrameSize;
                ulong end = frameEnd < region.End ? frameEnd : region.End;
                bool dom0 = address == frame * FrameSize && end == frameEnd && frame < frames.FrameCount
                    && frames.State(frame) == FrameState.Dom0;
                writer.Add(address, end, dom0 ? E820Entry.Ram : E820Entry.Reserved);
                address = end;
            }
        }
        if (writer.Overflowed)
            return Dom0MemoryMapStatus.TooManyEntries;
        count = writer.Count;
        return Dom0MemoryMapStatus.Success;
    }

    private static uint TypeOf(MemoryKind kind) => kind switch
    {
        MemoryKind.AcpiReclaimable => E820Entry.AcpiReclaimable,
        MemoryKind.AcpiNvs => E820Entry.AcpiNvs,
        MemoryKind.Unusable => E820Entry.Unusable,
        _ => E820Entry.Reserved,
    };

    // Appends [start, end) of a type, merging with the last entry when it continues it.
    private ref struct Writer
    {
        private readonly Span<E820Entry> _output;

        public Writer(Span<E820Entry> output)
        {
            _output = output;
            Count = 0;
            Overflowed = false;
        }

        public int Count { get; private set; }

        public bool Overflowed { get; private set; }

        public void Add(ulong start, ulong end, uint type)
        {
            if (Count > 0)
            {
                E820Entry last = _output[Count - 1];
                if (last.Type == type && last.Address + last.Length == start)
                {
                    _output[Count - 1] = new E820Entry(last.Address, end - last.Address, type);
                    return;
                }
            }
            if (Count == _output.Length)
            {
                Overflowed = true;
                return;
            }
            _output[Count++] = new E820Entry(start, end - start, type);
        }
    }
}
