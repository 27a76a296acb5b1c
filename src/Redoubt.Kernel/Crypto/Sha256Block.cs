using System.Runtime.CompilerServices;

namespace Redoubt.Kernel.Crypto;

// One SHA-256 input block, held until it is complete.
[InlineArray(Length)]
internal struct Sha256Block
{
    public const int Length = 64;

    private byte _first;
}
