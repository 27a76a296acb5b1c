using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Paging;

namespace Redoubt.Kernel.Boot;

// Finds room for Dom0's boot pieces: runs of whole frames Dom0 owns, clear of the boot archive
// (still being read) and of the pieces placed so far (at most three taken). Addresses are
// physical (Dom0 is mapped 1:1); 0 means "no room".
public struct Dom0Placement
{
    private const ulong Page = 4096;

    private readonly FrameTable _frames;
    private readonly AddressRange _archive;
    private AddressRange _first, _second, _third;

    public Dom0Placement(FrameTable frames, AddressRange archive)
    {
        _frames = frames;
        _archive = archive;
    }

    public void Take(ulong start, ulong length)
    {
        var range = new AddressRange(start, start + length);
        if (_first.Length == 0)
            _first = range;
        else if (_second.Length == 0)
            _second = range;
        else
            _third = range;
    }

    public readonly bool IsFree(ulong start, ulong length) => FirstConflict(start, length) == ulong.MaxValue;

    // The lowest multiple of alignment from `from` on where length bytes fit below limit; 0 if none.
    public readonly ulong FindLowest(ulong from, ulong length, ulong alignment, ulong limit)
    {
        for (ulong start = (from + alignment - 1) & ~(alignment - 1); start + length <= limit;)
        {
            ulong conflict = FirstConflict(start, length);
            if (conflict == ulong.MaxValue)
                return start;
            start = (conflict + Page + alignment - 1) & ~(alignment - 1);
        }
        return 0;
    }

    // The highest page-aligned start where length bytes fit below limit; 0 if none.
    public readonly ulong FindHighest(ulong length, ulong limit)
    {
        ulong rounded = (length + Page - 1) & ~(Page - 1);
        if (rounded == 0 || rounded > limit)
            return 0;
        for (ulong start = (limit - rounded) & ~(Page - 1); start >= Page;)
        {
            ulong conflict = LastConflict(start, rounded);
            if (conflict == ulong.MaxValue)
                return start;
            if (conflict < rounded)
                return 0;
            start = (conflict - rounded) & ~(Page - 1);
        }
        return 0;
    }

    // The address of the first page in [start, start + length) that is not free, or MaxValue.
    private readonly ulong FirstConflict(ulong start, ulong length)
    {
        for (ulong page = start & ~(Page - 1); page < start + length; page += Page)
        {
            if (!IsFreePage(page))
                return page;
        }
        return ulong.MaxValue;
    }

    private readonly ulong LastConflict(ulong start, ulong length)
    {
        for (ulong page = (start + length - 1) & ~(Page - 1); ; page -= Page)
        {
            if (!IsFreePage(page))
                return page;
            if (page <= start)
                return ulong.MaxValue;
        }
    }

    private readonly bool IsFreePage(ulong page) =>
        page / Page < _frames.FrameCount && _frames.State(page / Page) == FrameState.Dom0
        && !_archive.Contains(page) && !_first.Contains(page) && !_second.Contains(page) && !_third.Contains(page);
}
