using Redoubt.Kernel.Memory;

namespace Redoubt.Kernel.Tests.Model;

// What the frame table says of one frame a domain can see (hypervisor, Dom0, guest private or
// shared), and a hash of its content.
public readonly record struct FrameView(ulong Frame, FrameState State, ushort Owner, ulong GuestFrame, ulong ContentHash)
{
    public override string ToString() =>
        $"frame {Frame} {State} owner {Owner}{(State is FrameState.GuestPrivate or FrameState.GuestShared ? $" at guest page 0x{GuestFrame:X}" : "")}"
        + $" content {(ContentHash == 0 ? "zero" : ContentHash.ToString("X16"))}";
}
