using System;
using System.Collections.Generic;
using System.IO;
using Redoubt.Fuzz.Policies;
using SharpFuzz;

namespace Redoubt.Fuzz;

// Entry point: `--afl` under afl-fuzz (fuzz.sh), the other modes by hand. README.md explains.
public static class Program
{
    private const string Usage = """
        Usage: dotnet run --project tests/Redoubt.Fuzz -- <mode>
          --afl [TARGET]        run under afl-fuzz: one input per execution, from SharpFuzz
                                (tests/Redoubt.Fuzz/fuzz.sh starts it; not useful by hand)
          --make-corpus DIR     write the seed corpus (SeedCorpus) into DIR as NAME.bin, and
                                each policy target's seeds into DIR-TARGET
          --replay [--target TARGET] PATH...
                                run every input file (or every input in a directory, not
                                *.md); exit 1 if any fails
          --trace FILE          run one input and print each call and its status
        TARGET: hypercalls (the default), or a policy target: msr, pci, ports.
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0)
            return Fail(Usage);
        switch (args[0])
        {
            case "--afl" when args.Length <= 2:
                string target = args.Length == 2 ? args[1] : Hypercalls;
                if (target != Hypercalls && !PolicyTargets.IsKnown(target))
                    return Fail(Usage);
                Fuzzer.OutOfProcess.Run(stream =>
                {
                    using var memory = new MemoryStream();
                    stream.CopyTo(memory);
                    Run(target, memory.ToArray());
                });
                return 0;
            case "--make-corpus" when args.Length == 2:
                return MakeCorpus(args[1]);
            case "--replay" when args.Length >= 4 && args[1] == "--target" && (args[2] == Hypercalls || PolicyTargets.IsKnown(args[2])):
                return Replay(args[2], args[3..]);
            case "--replay" when args.Length >= 2 && args[1] != "--target":
                return Replay(Hypercalls, args[1..]);
            case "--trace" when args.Length == 2:
                return Trace(args[1]);
            default:
                return Fail(Usage);
        }
    }

    private const string Hypercalls = "hypercalls";

    private static void Run(string target, byte[] input)
    {
        if (target == Hypercalls)
            FuzzTarget.Run(input);
        else
            PolicyTargets.Run(target, input);
    }

    // Writes every seed that passes. A seed that fails is a kernel bug (or a broken seed): it is
    // named, not written (afl-fuzz refuses a corpus with crashing inputs), and the exit status is 1.
    private static int MakeCorpus(string directory)
    {
        Directory.CreateDirectory(directory);
        int written = 0, failed = 0;
        foreach (var (name, input) in SeedCorpus.All())
        {
            try
            {
                FuzzTarget.Run(input);
            }
            catch (FuzzFailure failure)
            {
                failed++;
                Console.WriteLine($"seed {name} fails, not written: {failure.Message}");
                continue;
            }
            File.WriteAllBytes(Path.Combine(directory, name + ".bin"), input);
            written++;
        }
        Console.WriteLine($"wrote {written} seed inputs to {directory}" + (failed == 0 ? "" : $"; {failed} failed"));
        foreach (string target in PolicyTargets.Names)
        {
            string policyDirectory = directory.TrimEnd('/') + "-" + target;
            Directory.CreateDirectory(policyDirectory);
            int policySeeds = 0;
            foreach (var (name, input) in PolicyTargets.Seeds(target))
            {
                try
                {
                    PolicyTargets.Run(target, input);
                }
                catch (FuzzFailure failure)
                {
                    failed++;
                    Console.WriteLine($"{target} seed {name} fails, not written: {failure.Message}");
                    continue;
                }
                File.WriteAllBytes(Path.Combine(policyDirectory, name + ".bin"), input);
                policySeeds++;
            }
            Console.WriteLine($"wrote {policySeeds} seed inputs to {policyDirectory}");
        }
        return failed == 0 ? 0 : 1;
    }

    private static int Replay(string target, string[] paths)
    {
        var files = new List<string>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
                files.AddRange(InputFiles.In(path));
            else
                files.Add(path);
        }
        files.Sort(StringComparer.Ordinal);
        int failed = 0;
        foreach (string file in files)
        {
            try
            {
                Run(target, File.ReadAllBytes(file));
                Console.WriteLine($"ok    {file}");
            }
            catch (FuzzFailure failure)
            {
                failed++;
                Console.WriteLine($"FAIL  {file}{Environment.NewLine}      {failure.Message}");
            }
        }
        Console.WriteLine($"{files.Count - failed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    private static int Trace(string file)
    {
        try
        {
            FuzzTarget.Run(File.ReadAllBytes(file), Console.Out);
            Console.WriteLine("ok");
            return 0;
        }
        catch (FuzzFailure failure)
        {
            Console.WriteLine($"FAIL: {failure.Message}");
            if (failure.InnerException is { } inner)
                Console.WriteLine(inner);
            return 1;
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
