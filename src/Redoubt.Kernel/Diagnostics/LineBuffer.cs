using System.Runtime.CompilerServices;

namespace Redoubt.Kernel.Diagnostics;

// Storage of one log line on the stack, so logging never allocates.
[InlineArray(Capacity)]
public struct LineBuffer
{
    public const int Capacity = 240;

    private byte _first;
}
