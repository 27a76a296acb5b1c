using Redoubt.Kernel.Memory;

namespace Redoubt.Kernel.Tests.Model;

// The model's view of one frame outside the table pool: hypervisor, Dom0's, or a VM's (private
// or shared, at a guest page), and the bytes it must hold. Pool frames are only counted.
public sealed class ModelFrame
{
    public FrameState State;
    public ushort Owner;
    public ulong GuestFrame;
    public byte[] Content = new byte[ModelShape.PageSize];

    public void Scrub() => System.Array.Clear(Content);
}
