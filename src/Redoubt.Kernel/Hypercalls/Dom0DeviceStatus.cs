namespace Redoubt.Kernel.Hypercalls;

// Why KernelCore.MapDom0Device refused a range (nothing was mapped then).
public enum Dom0DeviceStatus
{
    Success,
    // Start or end not 4 KiB aligned, empty, wrapping, or ending above 2^47.
    BadRange,
    // A frame of the range is RAM (anyone's) or a table frame: only no-RAM frames are devices.
    NotDeviceMemory,
    // Part of the range is mapped in Dom0's table already.
    AlreadyMapped,
    // The free pool cannot supply the table frames the mapping needs.
    OutOfTableFrames,
}
