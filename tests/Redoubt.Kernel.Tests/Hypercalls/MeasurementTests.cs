using System;
using Redoubt.Abi;
using Xunit;
using static Redoubt.Kernel.Tests.Hypercalls.CheckedCore;

namespace Redoubt.Kernel.Tests.Hypercalls;

// The launch digest: what VmLoad, VcpuSetState and VmFinalize put into it, and nothing else.
public class MeasurementTests
{
    private const ulong Source = 0x30000, StateBuffer = 0x38000;

    // One way to build a VM: pages (guest address, flags, fill seed), vCPU states.
    public sealed record Launch((ulong Guest, PageMeasureFlags Flags, byte Seed)[] Pages, VcpuState[] Vcpus);

    private static readonly Launch Reference = new Launch(
        [(GuestBase, PageMeasureFlags.Executable, 1), (GuestBase + Page, PageMeasureFlags.ReadOnly, 2), (GuestBase + 2 * Page, PageMeasureFlags.None, 3)],
        [ValidState(GuestBase), ValidState(0x5000)]);

    // Builds and finalizes the launch on a VM of the given machine, with memory from `host`.
    private static byte[] Run(CheckedCore k, Launch launch, ulong host)
    {
        ulong vm = k.CreateVmWithMemory(host, 3);
        foreach (var (guest, flags, seed) in launch.Pages)
        {
            k.Fill(Source, 1, seed);
            k.Ok(Dom0, Hypercall.VmLoad, vm, guest, Source, Page, (ulong)flags);
        }
        foreach (VcpuState state in launch.Vcpus)
        {
            ulong vcpu = k.CreateVcpu(vm);
            k.WriteStruct(StateBuffer, state);
            k.Ok(Dom0, Hypercall.VcpuSetState, vcpu, StateBuffer, VcpuState.Size);
        }
        k.Ok(Dom0, Hypercall.VmFinalize, vm);
        return ((ReadOnlySpan<byte>)k.Vm(vm).LaunchDigest).ToArray();
    }

    private static byte[] Expected(Launch launch)
    {
        var expected = new ExpectedMeasurement();
        var page = new byte[Page];
        foreach (var (guest, flags, seed) in launch.Pages)
        {
            Array.Fill(page, (byte)(seed + 1));
            expected.Page(guest, flags, page);
        }
        for (int i = 0; i < launch.Vcpus.Length; i++)
            expected.Vcpu((ulong)i, launch.Vcpus[i]);
        return expected.Finish((ulong)launch.Vcpus.Length);
    }

    [Fact]
    public void MatchesAnIndependentComputation()
    {
        Assert.Equal(Expected(Reference), Run(Create(), Reference, 0x20000));
    }

    [Fact]
    public void IdenticalSequencesGiveIdenticalDigests()
    {
        var k = Create();
        byte[] first = Run(k, Reference, 0x20000);
        byte[] second = Run(k, Reference, 0x28000); // other frames, same guest view
        byte[] third = Run(Create(), Reference, 0x24000);
        Assert.Equal(first, second);
        Assert.Equal(first, third);
    }

    public static TheoryData<string, Launch> Variants()
    {
        VcpuState otherRip = ValidState(GuestBase + 8);
        VcpuState otherRax = ValidState(GuestBase);
        otherRax.Rax++;
        return new TheoryData<string, Launch>
        {
            { "content", Reference with { Pages = [(GuestBase, PageMeasureFlags.Executable, 9), Reference.Pages[1], Reference.Pages[2]] } },
            { "guest address", Reference with { Pages = [(GuestBase, PageMeasureFlags.Executable, 1), (GuestBase + 2 * Page, PageMeasureFlags.ReadOnly, 2), (GuestBase + Page, PageMeasureFlags.None, 3)] } },
            { "flags", Reference with { Pages = [(GuestBase, PageMeasureFlags.All, 1), Reference.Pages[1], Reference.Pages[2]] } },
            { "load order", Reference with { Pages = [Reference.Pages[1], Reference.Pages[0], Reference.Pages[2]] } },
            { "one page fewer", Reference with { Pages = [Reference.Pages[0], Reference.Pages[1]] } },
            { "a page loaded twice", Reference with { Pages = [.. Reference.Pages, Reference.Pages[2]] } },
            { "vCPU RIP", Reference with { Vcpus = [otherRip, Reference.Vcpus[1]] } },
            { "vCPU RAX", Reference with { Vcpus = [otherRax, Reference.Vcpus[1]] } },
            { "vCPU order", Reference with { Vcpus = [Reference.Vcpus[1], Reference.Vcpus[0]] } },
            { "vCPU count", Reference with { Vcpus = [Reference.Vcpus[0]] } },
            { "no vCPUs", Reference with { Vcpus = [] } },
        };
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void AnyChangeToTheLaunchChangesTheDigest(string change, Launch launch)
    {
        byte[] reference = Run(Create(), Reference, 0x20000);
        byte[] changed = Run(Create(), launch, 0x20000);
        Assert.True(!reference.AsSpan().SequenceEqual(changed), $"changing the {change} kept the digest");
        Assert.Equal(Expected(launch), changed);
    }

    // The vCPU records follow the vCPUs' creation order, whatever pool entries they landed in:
    // a host tool cannot know the pool, and other VMs' activity must not change a VM's digest.
    [Fact]
    public void VcpusAreMeasuredInCreationOrderWhateverPoolEntriesTheyGot()
    {
        var k = Create(64, c => { c.MaxVcpusPerVm = 3; return c; });
        VcpuState[] states = [ValidState(0x1000), ValidState(0x2000), ValidState(0x3000)];
        ulong a = k.CreateVmWithMemory(0x20000, 1);
        ulong b = k.CreateVm();
        ulong first = k.CreateVcpu(a);  // pool entry 0
        k.CreateVcpu(b);                // pool entry 1
        ulong second = k.CreateVcpu(a); // pool entry 2
        k.Ok(Dom0, Hypercall.VmDestroy, b);
        ulong third = k.CreateVcpu(a);  // pool entry 1 again
        Assert.Equal(2, k.Vcpu(third).Index);
        ulong[] slots = [first, second, third];
        for (int i = 0; i < 3; i++)
        {
            k.WriteStruct(StateBuffer, states[i]);
            k.Ok(Dom0, Hypercall.VcpuSetState, slots[i], StateBuffer, VcpuState.Size);
        }
        k.Ok(Dom0, Hypercall.VmFinalize, a);
        byte[] expected = new ExpectedMeasurement().Vcpu(0, states[0]).Vcpu(1, states[1]).Vcpu(2, states[2]).Finish(3);
        Assert.Equal(expected, ((ReadOnlySpan<byte>)k.Vm(a).LaunchDigest).ToArray());
    }
}
