using System.Runtime.CompilerServices;

namespace Redoubt.Kernel.Crypto;

// One SHA-512 (and SHA-384) input block, held until it is complete.
[InlineArray(Length)]
internal struct Sha512Block
{
    public const int Length = 128;

    private byte _first;
}
