using System;
using System.Globalization;

namespace Redoubt.Bench;

// The command line: a benchmark name, then options. Parse fails with a message for the usage
// text rather than guessing.
public sealed class BenchOptions
{
    public const string Usage = """
        Usage: dotnet run --project tests/Redoubt.Bench -c Release -- <benchmark> [options]

        Benchmarks:
          memory         Donate 1 GiB (262,144 frames) from Dom0 to one VM with MemDonate (the
                         range cut out of Dom0's nested table, the frames zeroed, the VM's table
                         built), then VmDestroy it (frames scrubbed and returned to Dom0). Prints
                         frames per second for both, a plain Span.Clear of the same 1 GiB for
                         comparison, the table frames used and the metadata bytes per frame,
                         then one JSON line.

        Options:
          --runs N       Timed runs after the warm-up (default 5, 1..1000).
          --warmup N     Untimed warm-up runs first (default 1, 0..100). The first warm-up is
                         also printed: it is the only run on a freshly booted machine.
          --calls N      Split the donation into N MemDonate calls (default 1; a power of two,
                         at most 512).
          --check WHEN   Run the invariant checker after every donation and destroy ("each",
                         the default) or only after the last run ("end"). Never timed.
          -h, --help     Show this text.
        """;

    public string Benchmark { get; private set; } = "";

    public int Runs { get; private set; } = 5;

    public int Warmup { get; private set; } = 1;

    public int Calls { get; private set; } = 1;

    public bool CheckEachRun { get; private set; } = true;

    public bool Help { get; private set; }

    // The options, or null with an error message.
    public static BenchOptions? Parse(string[] args, out string error)
    {
        var options = new BenchOptions();
        error = "";
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "-h" or "--help":
                    options.Help = true;
                    return options;
                case "--runs" or "--warmup" or "--calls" or "--check":
                    if (i + 1 >= args.Length)
                    {
                        error = $"{arg} needs a value";
                        return null;
                    }
                    if (!options.SetOption(arg, args[++i], out error))
                        return null;
                    break;
                default:
                    if (arg.StartsWith('-'))
                    {
                        error = $"unknown option '{arg}'";
                        return null;
                    }
                    if (options.Benchmark.Length != 0)
                    {
                        error = $"one benchmark at a time (got '{options.Benchmark}' and '{arg}')";
                        return null;
                    }
                    options.Benchmark = arg;
                    break;
            }
        }
        if (options.Benchmark.Length == 0)
        {
            error = "no benchmark named";
            return null;
        }
        if (options.Benchmark != "memory")
        {
            error = $"unknown benchmark '{options.Benchmark}'";
            return null;
        }
        return options;
    }

    private bool SetOption(string name, string value, out string error)
    {
        error = "";
        if (name == "--check")
        {
            if (value is not ("each" or "end"))
            {
                error = $"--check takes 'each' or 'end', not '{value}'";
                return false;
            }
            CheckEachRun = value == "each";
            return true;
        }
        (int min, int max) = name switch
        {
            "--runs" => (1, 1000),
            "--warmup" => (0, 100),
            _ => (1, 512),
        };
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number < min || number > max)
        {
            error = $"{name} takes a whole number from {min} to {max}, not '{value}'";
            return false;
        }
        if (name == "--calls" && (number & (number - 1)) != 0)
        {
            error = $"--calls takes a power of two (so that 262,144 frames divide evenly), not {number}";
            return false;
        }
        switch (name)
        {
            case "--runs": Runs = number; break;
            case "--warmup": Warmup = number; break;
            default: Calls = number; break;
        }
        return true;
    }
}
