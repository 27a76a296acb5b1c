using System;
using Redoubt.Abi;

namespace Redoubt.Dom0.Control;

// An open /dev/redoubt (Native/RedoubtDevice; the tests have fakes).
public interface IRedoubtDevice : IDisposable
{
    // A hypercall with a buffer the driver owns (REDOUBT_IOCTL_BUFFER_CALL): the driver copies
    // `buffer` into memory of its own, puts that memory's physical address and the length into
    // the call's buffer arguments, makes the call and copies the bytes back into `buffer`.
    // False, and why, when the driver refused the request (the hypercall was not made).
    bool TryCallWithBuffer(in HypercallRegisters registers, Span<byte> buffer, out HypercallResult result, out string? error);
}
