using Redoubt.Fuzz;
using Redoubt.Fuzz.Policies;
using Xunit;

namespace Redoubt.Kernel.Tests.Fuzz;

// The controls of the policy fuzz targets: with the policy taken out (every access let through),
// the same seeds that pass with it make each target report the broken promise. So a passing run
// means the policy held, not that the checks could not see.
public class PolicyTargetControlTests
{
    [Theory]
    [InlineData(MsrPolicyTarget.Name, "kept-msrs")]
    [InlineData(PciConfigTarget.Name, "bar-over-ram")]
    [InlineData(PciConfigTarget.Name, "iommu-and-host")]
    [InlineData(PlatformPortTarget.Name, "q35-resets")]
    [InlineData(PlatformPortTarget.Name, "q35-sleep")]
    public void Without_the_policy_the_target_reports_a_broken_promise(string target, string seed)
    {
        byte[] input = System.Linq.Enumerable.First(PolicyTargets.Seeds(target), s => s.Name == seed).Input;
        PolicyTargets.Run(target, input);
        Assert.Throws<FuzzFailure>(() => RunWithoutPolicy(target, input));
    }

    private static void RunWithoutPolicy(string target, byte[] input)
    {
        switch (target)
        {
            case MsrPolicyTarget.Name:
                MsrPolicyTarget.Run(input, enforce: false);
                break;
            case PciConfigTarget.Name:
                PciConfigTarget.Run(input, enforce: false);
                break;
            default:
                PlatformPortTarget.Run(input, enforce: false);
                break;
        }
    }
}
