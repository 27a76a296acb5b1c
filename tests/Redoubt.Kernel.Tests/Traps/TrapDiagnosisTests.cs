using System.Text;
using Redoubt.Kernel.Traps;
using Xunit;

namespace Redoubt.Kernel.Tests.Traps;

public class TrapDiagnosisTests
{
    private const ulong GuardStart = 0x20_0000, GuardEnd = 0x20_1000;

    [Theory]
    [InlineData(0x0UL, 0UL, PageFaultKind.NullDereference)]
    [InlineData(0x8UL, 2UL, PageFaultKind.NullDereference)]
    [InlineData(0xFF8UL, 0UL, PageFaultKind.NullDereference)]
    [InlineData(0x1000UL, 0UL, PageFaultKind.ReadNotMapped)]
    [InlineData(0x20_0F00UL, 2UL, PageFaultKind.StackOverflow)]
    [InlineData(0x30_0000UL, 3UL, PageFaultKind.WriteReadOnly)]
    [InlineData(0x30_0000UL, 2UL, PageFaultKind.WriteNotMapped)]
    [InlineData(0x30_0000UL, 0x11UL, PageFaultKind.ExecuteNonExecutable)]
    [InlineData(0x30_0000UL, 0x10UL, PageFaultKind.ExecuteNotMapped)]
    [InlineData(0x30_0000UL, 0x9UL, PageFaultKind.ReservedBit)]
    public void ClassifiesPageFaults(ulong address, ulong errorCode, PageFaultKind expected) =>
        Assert.Equal(expected, TrapDiagnosis.ClassifyPageFault(address, errorCode, GuardStart, GuardEnd));

    [Fact]
    public void ProtectionFaultsNearZeroAreNotNullDereferences()
    {
        // A present page near 0 would be a mapping bug, not a null dereference: name the access.
        Assert.Equal(PageFaultKind.WriteReadOnly, TrapDiagnosis.ClassifyPageFault(0x10, 3, GuardStart, GuardEnd));
    }

    [Theory]
    [InlineData(0UL, "divide by zero")]
    [InlineData(13UL, "general protection fault")]
    [InlineData(14UL, "page fault")]
    [InlineData(9UL, "reserved exception")]
    public void NamesVectors(ulong vector, string name) =>
        Assert.Equal(name, Encoding.ASCII.GetString(TrapDiagnosis.VectorName(vector)));

    [Fact]
    public void DescriptionsNameTheAccess()
    {
        Assert.StartsWith("stack overflow", Encoding.ASCII.GetString(TrapDiagnosis.Describe(PageFaultKind.StackOverflow)));
        Assert.Contains("write to a read-only page", Encoding.ASCII.GetString(TrapDiagnosis.Describe(PageFaultKind.WriteReadOnly)));
        Assert.StartsWith("null dereference", Encoding.ASCII.GetString(TrapDiagnosis.Describe(PageFaultKind.NullDereference)));
    }
}
