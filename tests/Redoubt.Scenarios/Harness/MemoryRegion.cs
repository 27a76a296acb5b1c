using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Redoubt.Scenarios.Harness;

/// <summary>One memory map line: `[INFO] memory: 0x&lt;start&gt;-0x&lt;end&gt; &lt;type&gt; (&lt;size&gt; &lt;unit&gt;)`,
/// end inclusive, size rounded down to whole bytes, KiB, MiB or GiB.</summary>
public sealed partial record MemoryRegion(ulong Start, ulong End, string Type, ulong PrintedSize, ulong UnitBytes, string Line)
{
    /// <summary>Bytes covered, from the addresses.</summary>
    public ulong Bytes => End - Start + 1;

    /// <summary>Whether the printed size is the address range rounded down to the printed unit.</summary>
    public bool SizeMatchesRange => Start <= End && Bytes / UnitBytes == PrintedSize;

    /// <summary>Every memory map line of the log, in the order printed.</summary>
    public static List<MemoryRegion> All(ConsoleLog log)
    {
        var regions = new List<MemoryRegion>();
        foreach (LogLine line in log.Find("INFO", "memory"))
        {
            Match m = Pattern().Match(line.Message);
            if (m.Success)
            {
                regions.Add(new MemoryRegion(
                    ParseHex(m.Groups["start"].Value),
                    ParseHex(m.Groups["end"].Value),
                    m.Groups["type"].Value,
                    ulong.Parse(m.Groups["size"].Value, CultureInfo.InvariantCulture),
                    m.Groups["unit"].Value switch { "bytes" => 1UL, "KiB" => 1UL << 10, "MiB" => 1UL << 20, _ => 1UL << 30 },
                    line.ToString()));
            }
        }
        return regions;
    }

    private static ulong ParseHex(string value) =>
        ulong.Parse(value.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<start>0x[0-9a-fA-F]{16})-(?<end>0x[0-9a-fA-F]{16}) (?<type>[a-z][a-z0-9 +/-]*?) \((?<size>\d+) (?<unit>bytes|KiB|MiB|GiB)\)$")]
    private static partial Regex Pattern();
}
