using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Redoubt.Fuzz;
using Redoubt.Fuzz.Policies;
using Xunit;

namespace Redoubt.Kernel.Tests.Fuzz;

// The policy fuzz targets without AFL (tests/Redoubt.Fuzz/Policies): every seed in corpus-NAME/,
// then deterministic random inputs (raw bytes and mutated seeds) through each target, which throws
// on any broken promise of the MSR allow-list, the PCI filter or the platform port policy.
public class PolicyCorpusReplayTests
{
    private const int RandomSeed = 20261207;
    private const int RandomInputCount = 4000;

    public static TheoryData<string> Targets() => new(PolicyTargets.Names);

    [Theory]
    [MemberData(nameof(Targets))]
    public void Corpus_holds_every_seed_and_each_passes(string target)
    {
        string directory = CorpusReplayTests.FuzzDirectory("corpus-" + target);
        const string Regenerate = "regenerate it: dotnet run --project tests/Redoubt.Fuzz -- --make-corpus tests/Redoubt.Fuzz/corpus";
        foreach (var (name, input) in PolicyTargets.Seeds(target))
        {
            string path = Path.Combine(directory, name + ".bin");
            Assert.True(File.Exists(path), $"{target} seed {name} is missing (or fails: --make-corpus names it); {Regenerate}");
            Assert.True(input.AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"corpus-{target}/{name}.bin is stale; {Regenerate}");
        }
        foreach (string file in InputFiles.In(directory))
            PolicyTargets.Run(target, File.ReadAllBytes(file));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Random_inputs_pass(string target)
    {
        byte[][] seeds = PolicyTargets.Seeds(target).Select(s => s.Input).ToArray();
        var failures = new ConcurrentQueue<string>();
        Parallel.For(0, RandomInputCount, i =>
        {
            var random = new Random(unchecked(RandomSeed + i * 7919));
            byte[] input = i % 2 == 0 ? RandomInputs.Raw(random) : RandomInputs.Mutate(random, seeds[random.Next(seeds.Length)], random.Next(1, 8));
            try
            {
                PolicyTargets.Run(target, input);
            }
            catch (FuzzFailure failure)
            {
                failures.Enqueue($"{target}: random input {i} fails: {failure.Message}{Environment.NewLine}input: {Convert.ToHexString(input)}");
            }
        });
        Assert.True(failures.IsEmpty, $"{failures.Count} of {RandomInputCount} random inputs fail; the first:{Environment.NewLine}{failures.FirstOrDefault()}");
    }
}
