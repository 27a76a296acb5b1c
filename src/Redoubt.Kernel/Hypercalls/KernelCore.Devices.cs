using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Paging;

namespace Redoubt.Kernel.Hypercalls;

public sealed partial class KernelCore<TPhysical>
{
    // Maps [start, end) 1:1 into Dom0's nested table as device memory: the platform's MMIO and
    // firmware ranges Dom0 owns. Every frame of the range must be no RAM: Mmio in the frame table,
    // or past its end. Large pages where the range allows (a device range never changes owner,
    // so it is never split). Read and write, never execute. Called while the kernel builds Dom0,
    // before Dom0 runs; ranges Redoubt keeps for itself (the IOMMU, the TPM) are simply never
    // passed here. Validates everything first; on a refusal nothing is mapped.
    public Dom0DeviceStatus MapDom0Device(ulong start, ulong end)
    {
        if (start >= end || ((start | end) & (PageSize - 1)) != 0 || !IsGuestAddressRange(start, end - start))
            return Dom0DeviceStatus.BadRange;
        FrameTable frames = _machine.Frames;
        ulong last = end / PageSize < frames.FrameCount ? end / PageSize : frames.FrameCount;
        for (ulong frame = start / PageSize; frame < last; frame++)
        {
            if (frames.State(frame) != FrameState.Mmio)
                return Dom0DeviceStatus.NotDeviceMemory;
        }
        // Map itself refuses, changing nothing, a range partly mapped or short of table frames.
        return _dom0Table.Map(start, start, end - start, PageAttributes.Writable, allowLarge: true) switch
        {
            MapStatus.Success => Dom0DeviceStatus.Success,
            MapStatus.AlreadyMapped => Dom0DeviceStatus.AlreadyMapped,
            MapStatus.OutOfTableFrames => Dom0DeviceStatus.OutOfTableFrames,
            _ => Dom0DeviceStatus.BadRange,
        };
    }

    // True when the frame at a physical address is RAM the frame table tracks (not a device).
    private bool IsRamFrame(ulong physical) =>
        physical / PageSize < _machine.Frames.FrameCount && _machine.Frames.State(physical / PageSize) != FrameState.Mmio;
}
