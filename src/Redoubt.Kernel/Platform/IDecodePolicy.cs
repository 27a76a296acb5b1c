namespace Redoubt.Kernel.Platform;

// Where a device may decode memory: Redoubt's answer for the physical range [first, last]
// (inclusive, so that a range may end at 2^64 - 1): no RAM in the frame table, none of the
// ranges Redoubt keeps (its devices, the configuration window, the HyperTransport window).
public interface IDecodePolicy
{
    bool MayDecode(ulong first, ulong last);
}
