using System;
using System.Collections.Generic;
using Redoubt.Abi;
using Redoubt.Kernel.Capabilities;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Objects;
using Redoubt.Kernel.Paging;

namespace Redoubt.Kernel.Host.Support;

// Checks every invariant of docs/spec/invariants.md over a kernel core's whole state, between
// hypercalls. Returns the violations, each starting with its invariant's id; empty = all hold.
public static class InvariantChecker
{
    private const ulong Page = PageTableEntry.PageSize;

    public static List<string> Check(KernelCore<ArrayPhysicalMemory> core)
    {
        var violations = new List<string>();
        FrameTable frames = core.Machine.Frames;
        ulong frameCount = frames.FrameCount;

        // INV-1: frame accounting balances.
        var recount = new ulong[8];
        for (ulong f = 0; f < frameCount; f++)
            recount[(int)frames.State(f)]++;
        ulong sum = 0;
        for (int s = 0; s < recount.Length; s++)
        {
            sum += frames.Counts[s];
            if (recount[s] != frames.Counts[s])
                violations.Add($"INV-1 count of {(FrameState)s} is {frames.Counts[s]}, frames in that state: {recount[s]}");
        }
        if (sum != frameCount)
            violations.Add($"INV-1 counts sum to {sum}, machine has {frameCount} frames");

        // INV-2: the free pool is exactly the Free frames, each all zero.
        var pooled = new HashSet<ulong>();
        foreach (ulong f in core.Machine.Free.Frames)
        {
            if (!pooled.Add(f))
                violations.Add($"INV-2 frame {f} is in the free pool twice");
            if (frames.State(f) != FrameState.Free)
                violations.Add($"INV-2 pooled frame {f} is {frames.State(f)}");
        }
        for (ulong f = 0; f < frameCount; f++)
        {
            if (frames.State(f) != FrameState.Free)
                continue;
            if (!pooled.Contains(f))
                violations.Add($"INV-2 free frame {f} is not in the pool");
            if (core.Machine.Physical.Frame(f).IndexOfAnyExcept((byte)0) >= 0)
                violations.Add($"INV-2 free frame {f} is not zero");
        }

        // INV-8: Zeroing is transient.
        for (ulong f = 0; f < frameCount; f++)
        {
            if (frames.State(f) == FrameState.Zeroing)
                violations.Add($"INV-8 frame {f} left in state Zeroing");
        }

        // Which frames each nested table maps (4 KiB granularity) and which tables it uses.
        var tableOwner = new Dictionary<ulong, ushort>();
        var dom0Leaves = Leaves(core.Dom0Table, KernelCore<ArrayPhysicalMemory>.Dom0, tableOwner, violations, frameCount);
        var vmLeaves = new Dictionary<ushort, List<(ulong Guest, ulong Frame)>>();
        foreach (VirtualMachine vm in core.Vms)
        {
            if (vm.State != VmState.Free)
                vmLeaves[vm.Domain] = Leaves(core.VmTable(vm), vm.Domain, tableOwner, violations, frameCount);
        }

        // INV-3: Dom0's table maps Dom0 and shared frames, each at its own address, and every
        // Dom0 or shared frame exactly once; besides them only device memory (Mmio frames, and
        // addresses past the frame table, checked in Leaves), 1:1 and never executable.
        var dom0Mapped = new HashSet<ulong>();
        foreach (var (guest, frame) in dom0Leaves)
        {
            FrameState state = frames.State(frame);
            if (guest != frame * Page)
                violations.Add($"INV-3 Dom0 address {guest:x} maps frame {frame}, not its own address");
            if (state != FrameState.Dom0 && state != FrameState.GuestShared && state != FrameState.Mmio)
                violations.Add($"INV-3 Dom0's table maps frame {frame} in state {state}");
            if (!dom0Mapped.Add(frame))
                violations.Add($"INV-3 Dom0's table maps frame {frame} twice");
        }
        for (ulong f = 0; f < frameCount; f++)
        {
            FrameState state = frames.State(f);
            if ((state == FrameState.Dom0 || state == FrameState.GuestShared) && !dom0Mapped.Contains(f))
                violations.Add($"INV-3 {state} frame {f} is not mapped in Dom0's table");
        }

        // INV-4 and INV-5: a VM's table maps only that VM's private or shared frames, each at the
        // guest frame the frame table records, each once; no other table maps them.
        var guestMapped = new Dictionary<ulong, ushort>();
        foreach (var (domain, leaves) in vmLeaves)
        {
            foreach (var (guest, frame) in leaves)
            {
                FrameState state = frames.State(frame);
                if (state != FrameState.GuestPrivate && state != FrameState.GuestShared)
                    violations.Add($"INV-5 VM {domain} maps frame {frame} in state {state}");
                else if (frames.Owner(frame) != domain)
                    violations.Add($"INV-4 VM {domain} maps frame {frame} owned by VM {frames.Owner(frame)}");
                else if (frames.GuestFrame(frame) != guest / Page)
                    violations.Add($"INV-4 VM {domain} maps frame {frame} at {guest:x}, frame table says {frames.GuestFrame(frame) * Page:x}");
                if (!guestMapped.TryAdd(frame, domain))
                    violations.Add($"INV-4 frame {frame} is mapped twice in guest tables");
            }
        }
        for (ulong f = 0; f < frameCount; f++)
        {
            FrameState state = frames.State(f);
            if ((state == FrameState.GuestPrivate || state == FrameState.GuestShared) && !guestMapped.ContainsKey(f))
                violations.Add($"INV-4 {state} frame {f} of VM {frames.Owner(f)} is in no table of its VM");
            if (state == FrameState.GuestPrivate && dom0Mapped.Contains(f))
                violations.Add($"INV-4 private frame {f} is mapped in Dom0's table");
        }

        // INV-6: table frames are PageTable frames of their domain, and there are no others.
        foreach (var (table, domain) in tableOwner)
        {
            ulong f = table / Page;
            if (frames.State(f) != FrameState.PageTable || frames.Owner(f) != domain)
                violations.Add($"INV-6 table frame {f} of domain {domain} is {frames.State(f)} of {frames.Owner(f)}");
        }
        for (ulong f = 0; f < frameCount; f++)
        {
            if (frames.State(f) == FrameState.PageTable && !tableOwner.ContainsKey(f * Page))
                violations.Add($"INV-6 page-table frame {f} is in no table (leaked)");
        }

        // INV-7: derived capabilities never have more rights than their parents.
        CheckCapabilities(core.Dom0Capabilities, "Dom0", violations);
        foreach (VirtualMachine vm in core.Vms)
            CheckCapabilities(vm.Capabilities, $"VM {vm.Domain}", violations);
        return violations;
    }

    private static void CheckCapabilities(CapabilitySpace space, string owner, List<string> violations)
    {
        for (int slot = 0; slot < space.SlotCount; slot++)
        {
            Capability capability = space.Slots[slot];
            if (capability.IsEmpty || capability.Parent == Capability.NoParent)
                continue;
            if (capability.Parent < 0 || capability.Parent >= space.SlotCount || space.Slots[capability.Parent].IsEmpty)
            {
                violations.Add($"INV-7 {owner} slot {slot} derives from empty slot {capability.Parent}");
                continue;
            }
            Capability parent = space.Slots[capability.Parent];
            if ((capability.Rights & ~parent.Rights) != 0 || capability.Type != parent.Type || capability.ObjectIndex != parent.ObjectIndex)
                violations.Add($"INV-7 {owner} slot {slot} exceeds its parent slot {capability.Parent}");
        }
    }

    private sealed class LeafCollector
    {
        public ulong FrameCount;
        public readonly List<(ulong, ulong)> Leaves = new();
        // Leaves (or their parts) past the frame table: device memory, never expanded.
        public readonly List<(ulong Guest, ulong Physical, ulong Size, PageAttributes Attributes)> PastFrameTable = new();
    }

    private struct CollectingVisitor : ILeafVisitor
    {
        public LeafCollector Collector;

        public void Visit(ulong virtualAddress, ulong physicalAddress, ulong size, PageAttributes attributes)
        {
            ulong offset = 0;
            for (; offset < size && (physicalAddress + offset) / Page < Collector.FrameCount; offset += Page)
                Collector.Leaves.Add((virtualAddress + offset, (physicalAddress + offset) / Page));
            if (offset < size)
                Collector.PastFrameTable.Add((virtualAddress + offset, physicalAddress + offset, size - offset, attributes));
        }
    }

    private static List<(ulong, ulong)> Leaves(PageTable<NptFormat, DomainTableMemory<ArrayPhysicalMemory>> table, ushort domain,
        Dictionary<ulong, ushort> tableOwner, List<string> violations, ulong frameCount)
    {
        CollectTables(table, table.Root, 4, domain, tableOwner, violations);
        var visitor = new CollectingVisitor { Collector = new LeafCollector { FrameCount = frameCount } };
        table.VisitLeaves(ref visitor);
        foreach (var (guest, physical, _, attributes) in visitor.Collector.PastFrameTable)
        {
            // INV-3 for devices past the frame table: Dom0 only, 1:1, never executable.
            if (domain != KernelCore<ArrayPhysicalMemory>.Dom0)
                violations.Add($"INV-5 VM {domain} maps {physical:x}, past the frame table");
            else if (guest != physical)
                violations.Add($"INV-3 Dom0 address {guest:x} maps device address {physical:x}, not its own address");
            else if ((attributes & PageAttributes.Executable) != 0)
                violations.Add($"INV-3 Dom0's device mapping at {guest:x} is executable");
        }
        return visitor.Collector.Leaves;
    }

    private static void CollectTables(PageTable<NptFormat, DomainTableMemory<ArrayPhysicalMemory>> table, ulong address, int level,
        ushort domain, Dictionary<ulong, ushort> tableOwner, List<string> violations)
    {
        if (!tableOwner.TryAdd(address, domain))
        {
            violations.Add($"INV-6 table frame {address / Page} is used twice");
            return;
        }
        if (level == 1)
            return;
        for (int index = 0; index < 512; index++)
        {
            ulong entry = table.Memory.ReadEntry(address, index);
            if (NptFormat.IsPresent(entry) && !(level <= NptFormat.MaxLeafLevel && NptFormat.IsLeaf(entry, level)))
                CollectTables(table, NptFormat.Address(entry), level - 1, domain, tableOwner, violations);
        }
    }
}
