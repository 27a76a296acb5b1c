using System;
using System.Collections.Generic;
using Xunit;

namespace Redoubt.Kernel.Tests.Paging;

// Page-table memory for host tests: a dictionary of 512-entry tables, a limited frame budget,
// and an observer called after every entry write so tests can check each intermediate state.
public sealed class TableStore
{
    private readonly Dictionary<ulong, ulong[]> _tables = new();
    private ulong _nextFrame;
    private readonly int _frameBudget;

    public TableStore(ulong firstFrame = 0x100000, int frameBudget = 1000)
    {
        _nextFrame = firstFrame;
        _frameBudget = frameBudget;
    }

    public Action<ulong, int, ulong>? AfterWrite { get; set; }

    // Called before every entry write with (table, index, old entry, new entry).
    public Action<ulong, int, ulong, ulong>? BeforeWrite { get; set; }

    public int Writes { get; private set; }

    // Tables handed out since the store was made (Tables.Count is the ones still in use).
    public int Allocations { get; private set; }

    public IReadOnlyDictionary<ulong, ulong[]> Tables => _tables;

    public int Freed { get; private set; }

    public ulong Available => (ulong)Math.Max(0, _frameBudget - _tables.Count);

    public ulong Allocate()
    {
        if (_tables.Count >= _frameBudget)
            return 0;
        ulong frame = _nextFrame;
        _nextFrame += 4096;
        _tables[frame] = new ulong[512];
        Allocations++;
        return frame;
    }

    public void Free(ulong table)
    {
        Assert.True(_tables.Remove(table), $"freed {table:x}, not a table frame");
        Freed++;
    }

    public ulong Read(ulong table, int index) => _tables[table][index];

    public void Write(ulong table, int index, ulong entry)
    {
        BeforeWrite?.Invoke(table, index, _tables[table][index], entry);
        _tables[table][index] = entry;
        Writes++;
        AfterWrite?.Invoke(table, index, entry);
    }
}
