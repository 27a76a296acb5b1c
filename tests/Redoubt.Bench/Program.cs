using System;

namespace Redoubt.Bench;

// Entry point: parses the command line and runs the named benchmark. Exit status: 0 done,
// 1 the kernel misbehaved (a failed hypercall or a broken invariant), 2 bad command line.
public static class Program
{
    public static int Main(string[] args)
    {
        BenchOptions? options = BenchOptions.Parse(args, out string error);
        if (options is null)
        {
            Console.Error.WriteLine($"redoubt-bench: {error}");
            Console.Error.WriteLine();
            Console.Error.WriteLine(BenchOptions.Usage);
            return 2;
        }
        if (options.Help)
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }
        return MemoryBenchmark.Run(options, Console.Out);
    }
}
