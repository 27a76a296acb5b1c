using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Redoubt.KvmBaseline;

/// <summary>
/// Host side: folds the JSON lines of a wall-clock run and an icount run into the one summary
/// line: exits per second (wall) and instructions per exit round trip (icount) per kind.
/// </summary>
internal static class Summary
{
    private static readonly string[] KindOrder = { "pio", "cpuid", "null", "null_kernel", "hlt", "vmmcall", "pio_kernel", "loop" };

    public static int Run(Dictionary<string, string> options)
    {
        if (!options.TryGetValue("wall", out string? wallFile) || !options.TryGetValue("icount", out string? icountFile))
        {
            throw new ArgumentException("summarize needs --wall FILE and --icount FILE");
        }

        var errors = new List<string>();
        Dictionary<string, JsonElement> wall = Read(wallFile, "wall", errors);
        Dictionary<string, JsonElement> icount = Read(icountFile, "icount", errors);
        foreach (string required in new[] { "pio", "cpuid", "null" })
        {
            if (!wall.ContainsKey(required))
            {
                errors.Add($"wall: no result for {required}");
            }

            if (!icount.ContainsKey(required))
            {
                errors.Add($"icount: no result for {required}");
            }
        }

        Console.WriteLine(Json.Object(w =>
        {
            w.WriteString("kind", "summary");
            w.WriteString("baseline", "linux-kvm");
            if (options.TryGetValue("kernel", out string? kernel))
            {
                w.WriteString("kernel", kernel);
            }

            if (options.TryGetValue("qemu", out string? qemu))
            {
                w.WriteString("qemu", qemu);
            }

            if (options.TryGetValue("iterations", out string? iterations))
            {
                w.WriteNumber("iterations", Program.LongOption(options, "iterations", 0, 1, uint.MaxValue));
            }

            w.WriteStartObject("exits_per_sec_wall");
            foreach (string kind in KindOrder.Where(wall.ContainsKey))
            {
                w.WriteNumber(kind, wall[kind].GetProperty("exits_per_sec").GetDouble());
            }

            w.WriteEndObject();

            w.WriteStartObject("instructions_per_round_trip_icount");
            foreach (string kind in KindOrder.Where(icount.ContainsKey))
            {
                w.WriteNumber(kind, Math.Round(icount[kind].GetProperty("ns_per_exit").GetDouble(), 0));
            }

            w.WriteEndObject();

            w.WriteStartObject("floors");
            foreach (string floor in new[] { "null", "null_kernel" })
            {
                if (icount.TryGetValue(floor, out JsonElement e) && e.TryGetProperty("source", out JsonElement source))
                {
                    w.WriteString(floor, source.GetString());
                }
            }

            w.WriteEndObject();
            w.WriteString("icount_note",
                "under -icount shift=0 one guest instruction advances virtual time by 1 ns, so the client's " +
                "ns_per_exit there is the number of guest instructions (L1 Linux/KVM + L2 guest) per exit round trip; " +
                "'loop' is the pure loop cost per iteration (no exit), included in every other figure");
            w.WriteString("reference_issue4",
                "measured before: 22,000-22,600 pio exits/s, 26,500-28,000 cpuid exits/s; icount ~3,330 instructions per pio, ~2,770 per cpuid round trip");
            if (options.TryGetValue("run-seconds", out string? seconds) && double.TryParse(seconds, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double s))
            {
                w.WriteNumber("run_sh_wall_seconds", s);
            }

            w.WriteString("wall_note", "wall-clock exits/s are dominated by QEMU's own emulation and vary with host load; the icount figures are the stable ones");

            if (options.TryGetValue("host-load", out string? load))
            {
                w.WriteString("host_load", load);
            }

            if (errors.Count > 0)
            {
                w.WriteStartArray("errors");
                foreach (string error in errors)
                {
                    w.WriteStringValue(error);
                }

                w.WriteEndArray();
            }
        }));

        return errors.Count == 0 ? 0 : 1;
    }

    private static Dictionary<string, JsonElement> Read(string file, string config, List<string> errors)
    {
        var byKind = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (!File.Exists(file))
        {
            errors.Add($"{config}: {file} does not exist");
            return byKind;
        }

        foreach (string raw in File.ReadAllLines(file))
        {
            string line = raw.Trim();
            if (!line.StartsWith('{'))
            {
                continue;
            }

            JsonElement element;
            try
            {
                using JsonDocument document = JsonDocument.Parse(line);
                element = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                errors.Add($"{config}: unparsable line: {line}");
                continue;
            }

            if (!element.TryGetProperty("kind", out JsonElement kind) || kind.GetString() is not string name)
            {
                continue;
            }

            if (element.TryGetProperty("error", out JsonElement error))
            {
                errors.Add($"{config}: {name}: {error.GetString()}");
                continue;
            }

            byKind[name] = element;
        }

        return byKind;
    }
}
