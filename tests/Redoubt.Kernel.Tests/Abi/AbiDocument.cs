using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;

namespace Redoubt.Kernel.Tests.Abi;

// The machine-readable part of docs/spec/abi.md: every "### Name (qualifier)" heading with the
// first markdown table under it, and every "#### 0xNN Name" hypercall heading. Nothing else of
// the document is interpreted.
internal sealed class AbiDocument
{
    private static readonly Regex s_typeHeading = new(@"^###\s+(\w+)\s+\(([^)]*)\)\s*$");
    private static readonly Regex s_callHeading = new(@"^####\s+(0x[0-9A-Fa-f]+|\d+)\s+(\w+)\s*$");

    public AbiDocument(string path)
    {
        Path = path;
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            Match call = s_callHeading.Match(lines[i]);
            if (call.Success)
            {
                CallHeadings.Add((call.Groups[2].Value, ParseNumber(call.Groups[1].Value), i + 1));
                continue;
            }
            Match type = s_typeHeading.Match(lines[i]);
            if (!type.Success)
                continue;
            var header = new List<string>();
            var rows = new List<List<string>>();
            int row = i + 1;
            while (row < lines.Length && !lines[row].StartsWith('#') && !lines[row].TrimStart().StartsWith('|'))
                row++;
            for (; row < lines.Length && lines[row].TrimStart().StartsWith('|'); row++)
            {
                List<string> cells = Cells(lines[row]);
                if (header.Count == 0)
                    header = cells;
                else if (!cells.TrueForAll(c => Regex.IsMatch(c, "^:?-+:?$")))
                    rows.Add(cells);
            }
            Sections.Add(new AbiDocumentSection(type.Groups[1].Value, type.Groups[2].Value.Trim(), i + 1, header, rows));
        }
    }

    public string Path { get; }

    public List<AbiDocumentSection> Sections { get; } = new();

    public List<(string Name, ulong Number, int Line)> CallHeadings { get; } = new();

    // 0x-prefixed hexadecimal or decimal, with optional '_' digit separators.
    public static ulong ParseNumber(string text)
    {
        string digits = text.Replace("_", "", StringComparison.Ordinal);
        return digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? Convert.ToUInt64(digits.Substring(2), 16)
            : ulong.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
    }

    // The cells of a table row, split at '|' but not at '\|', trimmed, backticks removed.
    private static List<string> Cells(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        string body = line.Trim();
        for (int i = 1; i < body.Length; i++)
        {
            if (body[i] == '\\' && i + 1 < body.Length && body[i + 1] == '|')
            {
                cell.Append('|');
                i++;
            }
            else if (body[i] == '|')
            {
                cells.Add(cell.ToString().Trim().Replace("`", "", StringComparison.Ordinal));
                cell.Clear();
            }
            else
            {
                cell.Append(body[i]);
            }
        }
        if (cell.ToString().Trim().Length != 0)
            cells.Add(cell.ToString().Trim().Replace("`", "", StringComparison.Ordinal));
        return cells;
    }
}
