using System;
using System.Collections.Generic;
using System.Linq;
using Redoubt.Abi;
using Redoubt.Explorer;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Objects;

namespace Redoubt.Kernel.Tests.Model;

// A reference model of the hypercall interface in plain collections: which VMs exist and in
// which state, who owns each frame and where it is mapped, the capabilities and their rights,
// the vCPUs, and the bytes every visible frame must hold. It predicts each call's status and
// results from the ABI's rules (docs/spec/abi.md, Redoubt.Abi), checked in the order the kernel
// checks them, and the effects: frames change hands, read zero after donate, reclaim and
// destroy, hold what VmLoad copied (read-only for the VM if loaded so); the launch measurement
// is computed from docs/spec/measurement.md with .NET's SHA-384. Page tables are only counted:
// the model knows which table regions a VM has touched, not which frames hold them.
public sealed partial class ReferenceModel
{
    private const ulong Page = ModelShape.PageSize;
    private const ushort Dom0 = 0;

    private readonly KernelConfig _config = ModelShape.Config;
    private readonly ModelFrame?[] _frames;   // null: a table-pool frame
    private readonly ModelVm[] _vms;
    private readonly ModelVcpu[] _vcpus;
    private readonly ModelCapability[] _dom0Capabilities;
    private int _freeTables;
    private readonly int _dom0Tables;

    public ReferenceModel()
    {
        _frames = new ModelFrame?[ModelShape.Frames];
        for (ulong f = 0; f < ModelShape.Frames; f++)
        {
            if (f < _config.HypervisorFrames)
                _frames[f] = new ModelFrame { State = FrameState.Hypervisor };
            else if (f >= ModelShape.FirstDom0Frame)
                _frames[f] = new ModelFrame { State = FrameState.Dom0 };
        }
        // Dom0's table maps its frames 1:1; they lie in the first 2 MiB: root and one table per level.
        if (ModelShape.Frames * Page > 2UL << 20)
            throw new InvalidOperationException("the model counts Dom0's tables for a machine under 2 MiB");
        _dom0Tables = 4;
        _freeTables = (int)_config.TablePoolFrames - _dom0Tables;
        _vms = new ModelVm[_config.MaxVms];
        for (int i = 0; i < _vms.Length; i++)
            _vms[i] = new ModelVm((ushort)(i + 1), _config.CapabilitySlots);
        _vcpus = new ModelVcpu[_config.MaxVms * _config.MaxVcpusPerVm];
        for (int i = 0; i < _vcpus.Length; i++)
            _vcpus[i] = new ModelVcpu();
        _dom0Capabilities = new ModelCapability[_config.CapabilitySlots];
    }

    public Observation Apply(ModelStep step)
    {
        string outcome;
        if (step.Call is Call call)
        {
            outcome = ModelShape.Outcome(Issue(call));
        }
        else
        {
            Dom0Write write = step.Write!.Value;
            bool writable = IsMapped(Dom0, write.Frame * Page);
            if (writable)
                write.Bytes().CopyTo(_frames[write.Frame]!.Content.AsSpan(write.Offset));
            outcome = writable ? "written" : "not writable by Dom0";
        }
        return Observe(step, outcome);
    }

    private HypercallResult Issue(Call call)
    {
        ushort caller = call.Caller;
        if (caller != Dom0 && (caller > _vms.Length || _vms[caller - 1].State == VmState.Free))
            return HypercallResult.Fail(HypercallStatus.InvalidCapability);
        return (Hypercall)call.Number switch
        {
            Hypercall.Info => Info(caller, call.Arg0, call.Arg1),
            Hypercall.VmCreate => VmCreate(caller),
            Hypercall.VmDestroy => VmDestroy(caller, call.Arg0),
            Hypercall.MemDonate => MemDonate(caller, call.Arg0, call.Arg1, call.Arg2, call.Arg3),
            Hypercall.MemReclaim => MemReclaim(caller, call.Arg0, call.Arg1, call.Arg2),
            Hypercall.VmLoad => VmLoad(caller, call.Arg0, call.Arg1, call.Arg2, call.Arg3, call.Arg4),
            Hypercall.VmFinalize => VmFinalize(caller, call.Arg0),
            Hypercall.VcpuCreate => VcpuCreate(caller, call.Arg0),
            Hypercall.VcpuSetState => VcpuSetState(caller, call.Arg0, call.Arg1, call.Arg2),
            Hypercall.MemShare => ChangeSharing(caller, call.Arg0, call.Arg1, call.Arg2, share: true),
            Hypercall.MemUnshare => ChangeSharing(caller, call.Arg0, call.Arg1, call.Arg2, share: false),
            Hypercall.VcpuRun => VcpuRun(caller, call.Arg0, call.Arg1, call.Arg2),
            Hypercall.VmReport => VmReport(caller, call.Arg0, call.Arg1, call.Arg2),
            Hypercall.CapDerive => CapDerive(caller, call.Arg0, call.Arg1),
            Hypercall.CapRevoke => CapRevoke(caller, call.Arg0),
            _ => HypercallResult.Fail(HypercallStatus.UnknownHypercall),
        };
    }

    private static HypercallResult Fail(HypercallStatus status) => HypercallResult.Fail(status);

    private ulong CountFrames(FrameState state) => (ulong)_frames.Count(f => f is not null && f.State == state);

    private int TableFrames => _dom0Tables + _vms.Where(vm => vm.State != VmState.Free).Sum(vm => vm.TableFrames);

    private Observation Observe(ModelStep step, string outcome)
    {
        var frames = new List<FrameView>();
        for (ulong f = 0; f < ModelShape.Frames; f++)
        {
            if (_frames[f] is ModelFrame frame)
                frames.Add(new FrameView(f, frame.State, frame.Owner, frame.GuestFrame, Observation.HashContent(frame.Content)));
        }
        var objects = new List<string>();
        foreach (ModelVm vm in _vms)
        {
            if (vm.State == VmState.Free)
            {
                objects.Add(ModelShape.DescribeFreeVm(vm.Domain, vm.Generation));
                continue;
            }
            byte[] running = vm.State == VmState.Building ? vm.Measurement!.GetCurrentHash() : new byte[48];
            objects.Add(ModelShape.DescribeVm(vm.Domain, vm.State, vm.Generation, vm.VcpuCount, running, vm.LaunchDigest, DescribeCapabilities(vm.Capabilities)));
        }
        for (int i = 0; i < _vcpus.Length; i++)
        {
            ModelVcpu vcpu = _vcpus[i];
            objects.Add(vcpu.InUse ? ModelShape.DescribeVcpu(i, vcpu.Vm, vcpu.Index, vcpu.Generation, vcpu.State) : ModelShape.DescribeFreeVcpu(i, vcpu.Generation));
        }
        objects.Add("Dom0 caps " + DescribeCapabilities(_dom0Capabilities));
        var counts = new ulong[8];
        counts[(int)FrameState.Free] = (ulong)_freeTables;
        counts[(int)FrameState.PageTable] = (ulong)TableFrames;
        foreach (FrameState state in new[] { FrameState.Hypervisor, FrameState.Dom0, FrameState.GuestPrivate, FrameState.GuestShared })
            counts[(int)state] = CountFrames(state);
        return new Observation
        {
            Step = step.ToString(),
            Outcome = outcome,
            Counts = ModelShape.DescribeCounts(counts, _freeTables),
            Objects = objects.ToArray(),
            Frames = frames.ToArray(),
        };
    }

    private static string DescribeCapabilities(ModelCapability[] space)
    {
        var slots = new List<string>();
        for (int i = 0; i < space.Length; i++)
        {
            ModelCapability c = space[i];
            if (!c.IsEmpty)
                slots.Add(Observation.Capability(i, c.Type.ToString(), c.Object, c.Generation, c.Rights, c.Parent));
        }
        return "[" + string.Join(", ", slots) + "]";
    }
}
