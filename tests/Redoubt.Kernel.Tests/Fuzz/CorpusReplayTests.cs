using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Redoubt.Fuzz;
using Xunit;

namespace Redoubt.Kernel.Tests.Fuzz;

// The fuzz target without AFL: every seed in tests/Redoubt.Fuzz/corpus/, every input in
// findings-regressions/ (crashes found by fuzz.sh, kept once fixed) and a few thousand
// deterministic random inputs go through FuzzTarget.Run, which throws on any broken invariant,
// state changed by a failing call, or kernel exception.
public class CorpusReplayTests
{
    private const int RandomSeed = 20240917;
    private const int RandomInputCount = 2400;

    public static TheoryData<string> CorpusInputs() => InputsIn("corpus");

    public static TheoryData<string> RegressionInputs() => InputsIn("findings-regressions");

    [Theory]
    [MemberData(nameof(CorpusInputs))]
    public void Corpus_input_passes(string name) => Replay("corpus", name);

    [Theory]
    [MemberData(nameof(RegressionInputs))]
    public void Regression_input_passes(string name) => Replay("findings-regressions", name);

    [Fact]
    public void Corpus_holds_every_seed_the_generator_writes()
    {
        // The seeds depend on SeedCorpus.cs and on ABI sizes (VcpuState, CvmReport, ...).
        const string Regenerate = "regenerate it: dotnet run --project tests/Redoubt.Fuzz -- --make-corpus tests/Redoubt.Fuzz/corpus";
        int files = Directory.GetFiles(FuzzDirectory("corpus"), "*.bin").Length;
        foreach (var (name, input) in SeedCorpus.All())
        {
            string path = Path.Combine(FuzzDirectory("corpus"), name + ".bin");
            Assert.True(File.Exists(path), $"seed {name} is missing from corpus/ (or fails: --make-corpus names it); {Regenerate}");
            Assert.True(input.AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"corpus/{name}.bin is stale; {Regenerate}");
        }
        Assert.True(files >= 30, $"corpus/ holds only {files} inputs");
    }

    // Input i comes from its own generator seeded with RandomSeed + 7919 i, so the inputs do not
    // depend on how the parallel loop schedules them and a failure names one to rerun.
    [Fact]
    public void Random_inputs_pass()
    {
        byte[][] seeds = InputFiles.In(FuzzDirectory("corpus")).Select(File.ReadAllBytes).ToArray();
        var failures = new ConcurrentQueue<string>();
        Parallel.For(0, RandomInputCount, i =>
        {
            var random = new Random(unchecked(RandomSeed + i * 7919));
            byte[] input = (i % 3) switch
            {
                0 => RandomInputs.Raw(random),
                1 => RandomInputs.Structured(random),
                _ => RandomInputs.Mutate(random, seeds[random.Next(seeds.Length)], random.Next(1, 6)),
            };
            try
            {
                FuzzTarget.Run(input);
            }
            catch (FuzzFailure failure)
            {
                failures.Enqueue($"random input {i} fails: {failure.Message}{Environment.NewLine}input: {Convert.ToHexString(input)}");
            }
        });
        Assert.True(failures.IsEmpty, $"{failures.Count} of {RandomInputCount} random inputs fail; the first:{Environment.NewLine}{failures.FirstOrDefault()}");
    }

    private static void Replay(string directory, string name)
    {
        if (name.Length == 0)
            return;
        byte[] input = File.ReadAllBytes(Path.Combine(FuzzDirectory(directory), name));
        try
        {
            FuzzTarget.Run(input);
        }
        catch (FuzzFailure failure)
        {
            Assert.Fail($"{directory}/{name} fails (trace it: dotnet run --project tests/Redoubt.Fuzz -- --trace tests/Redoubt.Fuzz/{directory}/{name}):{Environment.NewLine}{failure.Message}");
        }
    }

    // The file names in tests/Redoubt.Fuzz/<directory>; one empty name when it has none, so the
    // theory still runs (and passes) rather than reporting no data.
    private static TheoryData<string> InputsIn(string directory)
    {
        var data = new TheoryData<string>();
        string path = FuzzDirectory(directory);
        if (Directory.Exists(path))
        {
            foreach (string file in InputFiles.In(path))
                data.Add(Path.GetFileName(file));
        }
        if (data.Count == 0)
            data.Add("");
        return data;
    }

    // tests/Redoubt.Fuzz/<directory>, found from the test assembly's folder upwards (the build
    // output sits under artifacts/ in the repository).
    internal static string FuzzDirectory(string directory)
    {
        for (DirectoryInfo? dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string fuzz = Path.Combine(dir.FullName, "tests", "Redoubt.Fuzz");
            if (Directory.Exists(fuzz))
                return Path.Combine(fuzz, directory);
        }
        throw new DirectoryNotFoundException($"tests/Redoubt.Fuzz not found above {AppContext.BaseDirectory}");
    }
}
