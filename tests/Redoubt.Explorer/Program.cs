using System;
using System.Globalization;
using Redoubt.Explorer;

// redoubt-explorer [--depth N] [--quiet]: explores every call sequence up to depth N on the tiny
// machine. Exit status: 0 no violation, 1 a violation (printed with its sequence), 2 usage.
int depth = ExplorerDefaults.Depth;
bool quiet = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--depth":
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out depth))
            {
                Console.Error.WriteLine("Redoubt.Explorer: --depth needs a number (try --help)");
                return 2;
            }
            i++;
            break;
        case "--quiet":
            quiet = true;
            break;
        case "--help" or "-h":
            Console.WriteLine("Usage: Redoubt.Explorer [--depth N] [--quiet]");
            Console.WriteLine($"  --depth N  explore every call sequence of up to N calls (default {ExplorerDefaults.Depth})");
            Console.WriteLine("  --quiet    print only the summary (and a violation, if any)");
            return 0;
        default:
            Console.Error.WriteLine($"Redoubt.Explorer: bad argument '{args[i]}' (try --help)");
            return 2;
    }
}

if (!quiet)
{
    Console.WriteLine($"machine: {TinyMachine.Frames} frames (2 hypervisor, 12 table pool, 10 Dom0), 2 VMs x 2 vCPUs, 4 capability slots; "
        + $"alphabet: {Alphabet.Calls.Count} calls; depth {depth}; {Environment.ProcessorCount} threads");
}
var explorer = new BoundedExplorer(Alphabet.Calls, TinyMachine.Create);
ExplorationReport report = explorer.Run(depth, quiet ? null : level => Console.WriteLine(
    $"depth {level.Depth}: {level.NewStates} new states, {level.TotalStates} in all, {level.Transitions} transitions, {level.Elapsed.TotalSeconds:F1} s"));
Console.WriteLine($"explored {report.States} distinct states, {report.Transitions} transitions, depth {report.Depth}, "
    + $"{report.Elapsed.TotalSeconds:F1} s: {(report.Violation is null ? "no violation" : "VIOLATION")}");
if (report.Violation is null)
    return 0;
Console.WriteLine(report.Violation.Message);
Console.WriteLine($"minimal failing sequence ({report.Violation.Sequence.Count} calls, from a fresh machine):");
for (int i = 0; i < report.Violation.Sequence.Count; i++)
    Console.WriteLine($"  {i + 1}. {report.Violation.Sequence[i]}");
return 1;
