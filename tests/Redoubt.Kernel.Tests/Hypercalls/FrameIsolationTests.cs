using System.Collections.Generic;
using Redoubt.Abi;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Objects;
using Redoubt.Kernel.Paging;
using Xunit;
using static Redoubt.Kernel.Tests.Hypercalls.CheckedCore;

namespace Redoubt.Kernel.Tests.Hypercalls;

// What each nested table may map, checked directly on the tables (the invariant checker does the
// same as part of INV-3..INV-6): hypervisor, table and free frames appear in no guest table; a
// VM-private frame appears in its VM's table only; Dom0 maps frames only at their own address.
public class FrameIsolationTests
{
    private sealed class Leaves
    {
        public readonly List<(ulong Address, ulong Frame)> Pages = new();
    }

    private struct Collector : ILeafVisitor
    {
        public Leaves Leaves;

        public void Visit(ulong virtualAddress, ulong physicalAddress, ulong size, PageAttributes attributes)
        {
            for (ulong offset = 0; offset < size; offset += Page)
                Leaves.Pages.Add((virtualAddress + offset, (physicalAddress + offset) / Page));
        }
    }

    private static List<(ulong Address, ulong Frame)> LeavesOf(PageTable<NptFormat, DomainTableMemory<ArrayPhysicalMemory>> table)
    {
        var collector = new Collector { Leaves = new Leaves() };
        table.VisitLeaves(ref collector);
        return collector.Leaves.Pages;
    }

    private static void AssertIsolated(CheckedCore k)
    {
        var seen = new Dictionary<ulong, ushort>();
        void Check(ushort domain, List<(ulong Address, ulong Frame)> leaves)
        {
            foreach (var (address, frame) in leaves)
            {
                Assert.True(frame >= k.Config.HypervisorFrames, $"domain {domain} maps hypervisor frame {frame}");
                FrameState state = k.Frames.State(frame);
                Assert.True(state != FrameState.PageTable && state != FrameState.Free && state != FrameState.Hypervisor,
                    $"domain {domain} maps frame {frame} in state {state}");
                if (domain == Dom0)
                {
                    Assert.Equal(address, frame * Page);
                    Assert.NotEqual(FrameState.GuestPrivate, state);
                }
                else
                {
                    Assert.Equal(domain, k.Frames.Owner(frame));
                    Assert.True(seen.TryAdd(frame, domain), $"frame {frame} is in two guest tables");
                }
            }
        }
        Check(Dom0, LeavesOf(k.Core.Dom0Table));
        foreach (VirtualMachine vm in k.Core.Vms)
        {
            if (vm.State != VmState.Free)
                Check(vm.Domain, LeavesOf(k.Core.VmTable(vm)));
        }
    }

    [Fact]
    public void NoGuestTableEverMapsAFrameThatIsNotItsToMap()
    {
        var k = Create();
        ulong a = 0, b = 0;
        System.Action[] steps =
        [
            () => a = k.CreateVmWithMemory(0x20000, 4),
            () => b = k.CreateVmWithMemory(0x24000, 4, 0x7FFF_FFFF_0000),
            () => k.Ok(k.DomainOf(a), Hypercall.MemShare, 0, GuestBase, 2),
            () => k.Ok(k.DomainOf(b), Hypercall.MemShare, 0, 0x7FFF_FFFF_1000, 1),
            () => k.Ok(Dom0, Hypercall.MemReclaim, a, GuestBase + Page, 2),
            () => k.Ok(Dom0, Hypercall.MemDonate, b, 0x21000, 1, 0x1000),
            () => k.Ok(k.DomainOf(a), Hypercall.MemUnshare, 0, GuestBase, 1),
            () => k.Ok(Dom0, Hypercall.VmDestroy, a),
            () => a = k.CreateVmWithMemory(0x20000, 1, 0),
            () => k.Ok(Dom0, Hypercall.VmDestroy, b),
        ];
        AssertIsolated(k);
        foreach (System.Action step in steps)
        {
            step();
            AssertIsolated(k);
        }
    }
}
