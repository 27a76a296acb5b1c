using System;
using Redoubt.Kernel.Virtualization;

namespace Redoubt.Fuzz.Policies;

// One MSR number in a policy input: a tag byte, then a payload for some tags, biased so that
// mutations land on the allow-list's own edges far more often than random numbers would:
//   0x00-0x7F  an edge of the table: entry (tag / 4) % entries, its First - 1, First, Last or Last + 1
//   0x80-0xBF  an edge of the permission map's ranges (0, 1FFFh, 2000h, C000_0000h ...)
//   0xC0-0xFF  the next 4 bytes, raw
public static class MsrEncoding
{
    private static readonly uint[] s_mapEdges =
    [
        0, 0x1FFF, 0x2000, 0xBFFF_FFFF, 0xC000_0000, 0xC000_1FFF, 0xC000_2000, 0xC000_FFFF,
        0xC001_0000, 0xC001_1FFF, 0xC001_2000, uint.MaxValue,
    ];

    public static uint Decode(ref InputReader reader)
    {
        byte tag = reader.ReadByte();
        if (tag < 0x80)
        {
            ReadOnlySpan<Dom0MsrRange> table = Dom0MsrPolicy.Table;
            Dom0MsrRange entry = table[(tag / 4) % table.Length];
            return (tag & 3) switch
            {
                0 => entry.First - 1,
                1 => entry.First,
                2 => entry.Last,
                _ => entry.Last + 1,
            };
        }
        if (tag < 0xC0)
            return s_mapEdges[(tag - 0x80) % s_mapEdges.Length];
        return (uint)reader.ReadUInt16() | (uint)reader.ReadUInt16() << 16;
    }
}
