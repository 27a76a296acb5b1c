using System;

namespace Redoubt.Kernel.Memory;

// One 8-byte entry per 4 KiB frame: state (8 bits), owner domain (16 bits), and for guest
// frames the guest frame number they are mapped at (40 bits). Every state change goes through
// Set, which keeps the per-state counts; the counts always sum to FrameCount.
// Owner: 0 = Dom0 (also for Free, Hypervisor and Mmio frames), n >= 1 = VM domain n.
public sealed class FrameTable
{
    public const int BytesPerFrame = sizeof(ulong);
    private const int StateCount = 8;

    private readonly ulong[] _entries;
    private readonly ulong[] _counts = new ulong[StateCount];

    public FrameTable(ulong frameCount)
    {
        _entries = new ulong[frameCount];
        _counts[(int)FrameState.Free] = frameCount;
    }

    public ulong FrameCount => (ulong)_entries.Length;

    public FrameState State(ulong frame) => (FrameState)(byte)_entries[frame];

    public ushort Owner(ulong frame) => (ushort)(_entries[frame] >> 8);

    public ulong GuestFrame(ulong frame) => _entries[frame] >> 24;

    public ulong Count(FrameState state) => _counts[(int)state];

    // Raw entries, for state digests and invariant checks.
    public ReadOnlySpan<ulong> Entries => _entries;

    public ReadOnlySpan<ulong> Counts => _counts;

    public void Set(ulong frame, FrameState state, ushort owner, ulong guestFrame = 0)
    {
        _counts[(int)State(frame)]--;
        _entries[frame] = (byte)state | ((ulong)owner << 8) | (guestFrame << 24);
        _counts[(int)state]++;
    }
}
