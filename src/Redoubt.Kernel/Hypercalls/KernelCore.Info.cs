using System;
using System.Runtime.InteropServices;
using Redoubt.Abi;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Objects;

namespace Redoubt.Kernel.Hypercalls;

public sealed partial class KernelCore<TPhysical>
{
    private HypercallResult Info(ushort caller, ulong buffer, ulong length)
    {
        bool wantsRecord = buffer != 0 || length != 0;
        if (wantsRecord && (length < InfoRecord.Size || !IsCallerBuffer(caller, buffer, InfoRecord.Size, writable: true)))
            return HypercallResult.Fail(HypercallStatus.InvalidBuffer);

        FrameTable frames = _machine.Frames;
        if (wantsRecord)
        {
            InfoRecord record = default;
            record.AbiVersion = AbiVersion.Current;
            record.KernelVersion = KernelVersion.Number;
            record.CpuCount = (ulong)_config.CpuCount;
            record.FramesTotal = frames.FrameCount;
            record.FramesFree = frames.Count(FrameState.Free);
            record.FramesHypervisor = frames.Count(FrameState.Hypervisor);
            record.FramesDom0 = frames.Count(FrameState.Dom0);
            record.FramesGuestPrivate = frames.Count(FrameState.GuestPrivate);
            record.FramesGuestShared = frames.Count(FrameState.GuestShared);
            record.FramesPageTable = frames.Count(FrameState.PageTable);
            foreach (VirtualMachine vm in _vms)
            {
                if (vm.State != VmState.Free)
                {
                    record.VmCount++;
                    record.VcpuCount += (ulong)vm.VcpuCount;
                }
            }
            WriteCaller(caller, buffer, MemoryMarshal.AsBytes(new ReadOnlySpan<InfoRecord>(in record)));
        }
        return HypercallResult.Ok(AbiVersion.Current, frames.FrameCount, frames.Count(FrameState.Free));
    }
}
