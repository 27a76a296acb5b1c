using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Redoubt.Abi;
using Redoubt.Explorer;
using Redoubt.Kernel.Capabilities;
using Redoubt.Kernel.Crypto;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Objects;
using Redoubt.Kernel.Paging;

namespace Redoubt.Kernel.Tests.Model;

// The real kernel core on a ModelShape machine, driven step by step through its own dispatch.
// After every step it checks the invariants and, after a failing call, that the state digest
// did not change; then it tells what a user can observe, for comparison with the model.
public sealed class KernelUnderTest
{
    private readonly KernelCore<ArrayPhysicalMemory> _core;
    private string _digest;

    public KernelUnderTest()
    {
        _core = TestMachine.Create(ModelShape.Frames, ModelShape.Config);
        _digest = StateDigest.Of(_core);
    }

    public Observation Apply(ModelStep step)
    {
        string outcome;
        string? violation = null;
        if (step.Call is Call call)
        {
            HypercallResult result;
            try
            {
                result = call.IssueTo(_core);
            }
            catch (Exception exception)
            {
                result = HypercallResult.Fail((HypercallStatus)ulong.MaxValue);
                violation = $"the kernel threw {exception.GetType().Name}: {exception.Message}";
            }
            string after = StateDigest.Of(_core);
            if (result.Status != HypercallStatus.Success && after != _digest)
                violation = (violation is null ? "" : violation + "; ") + $"failed with {result.Status} but changed the state";
            _digest = after;
            outcome = ModelShape.Outcome(result);
        }
        else
        {
            Dom0Write write = step.Write!.Value;
            bool writable = _core.Dom0Table.Translate(write.Frame * ModelShape.PageSize, out ulong physical, out PageAttributes attributes)
                && (attributes & PageAttributes.Writable) != 0;
            if (writable)
                write.Bytes().CopyTo(_core.Machine.Physical.Frame(physical / ModelShape.PageSize).Slice(write.Offset));
            outcome = writable ? "written" : "not writable by Dom0";
            _digest = StateDigest.Of(_core);
        }
        List<string> broken = InvariantChecker.Check(_core);
        if (broken.Count > 0)
            violation = (violation is null ? "" : violation + "; ") + string.Join("; ", broken);
        return Observe(step, outcome, violation);
    }

    private Observation Observe(ModelStep step, string outcome, string? violation)
    {
        FrameTable table = _core.Machine.Frames;
        var frames = new List<FrameView>();
        for (ulong f = 0; f < table.FrameCount; f++)
        {
            FrameState state = table.State(f);
            if (state is FrameState.Hypervisor or FrameState.Dom0 or FrameState.GuestPrivate or FrameState.GuestShared)
            {
                ulong guestFrame = state is FrameState.GuestPrivate or FrameState.GuestShared ? table.GuestFrame(f) : 0;
                frames.Add(new FrameView(f, state, table.Owner(f), guestFrame, Observation.HashContent(_core.Machine.Physical.Frame(f))));
            }
        }
        var objects = new List<string>();
        foreach (VirtualMachine vm in _core.Vms)
            objects.Add(DescribeVm(vm));
        for (int i = 0; i < _core.Vcpus.Length; i++)
        {
            VirtualCpu vcpu = _core.Vcpus[i];
            objects.Add(vcpu.InUse
                ? ModelShape.DescribeVcpu(i, vcpu.VmDomain, vcpu.Index, vcpu.Generation, MemoryMarshal.AsBytes(new ReadOnlySpan<VcpuState>(in vcpu.State)))
                : ModelShape.DescribeFreeVcpu(i, vcpu.Generation));
        }
        objects.Add("Dom0 caps " + DescribeCapabilities(_core.Dom0Capabilities));
        var counts = new ulong[8];
        for (int s = 0; s < counts.Length; s++)
            counts[s] = table.Count((FrameState)s);
        return new Observation
        {
            Step = step.ToString(),
            Outcome = outcome,
            Counts = ModelShape.DescribeCounts(counts, _core.Machine.Free.Count),
            Objects = objects.ToArray(),
            Frames = frames.ToArray(),
            Violation = violation,
        };
    }

    private static string DescribeVm(VirtualMachine vm)
    {
        if (vm.State == VmState.Free)
            return ModelShape.DescribeFreeVm(vm.Domain, vm.Generation);
        byte[] running = new byte[Sha384.DigestSize];
        Sha384 measurement = vm.Measurement;
        measurement.Finish(running);
        Span<byte> launch = vm.LaunchDigest;
        return ModelShape.DescribeVm(vm.Domain, vm.State, vm.Generation, vm.VcpuCount, running, launch, DescribeCapabilities(vm.Capabilities));
    }

    private static string DescribeCapabilities(CapabilitySpace space)
    {
        var slots = new List<string>();
        for (int i = 0; i < space.SlotCount; i++)
        {
            Capability c = space.Slots[i];
            if (!c.IsEmpty)
                slots.Add(Observation.Capability(i, c.Type.ToString(), c.ObjectIndex, c.Generation, c.Rights, c.Parent));
        }
        return "[" + string.Join(", ", slots) + "]";
    }
}
