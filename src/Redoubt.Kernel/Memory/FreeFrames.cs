namespace Redoubt.Kernel.Memory;

// The stack of Free frames. Invariant: exactly the frames in state Free, each all zero.
public sealed class FreeFrames
{
    private readonly ulong[] _stack;
    private int _count;

    public FreeFrames(ulong capacity) { _stack = new ulong[capacity]; }

    public int Count => _count;

    public System.ReadOnlySpan<ulong> Frames => new System.ReadOnlySpan<ulong>(_stack, 0, _count);

    public void Push(ulong frame) => _stack[_count++] = frame;

    public ulong Pop() => _stack[--_count];
}
