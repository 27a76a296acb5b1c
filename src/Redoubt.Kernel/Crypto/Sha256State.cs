using System.Runtime.CompilerServices;

namespace Redoubt.Kernel.Crypto;

// The eight working words of SHA-256 (H0..H7 in FIPS 180-4).
[InlineArray(Length)]
internal struct Sha256State
{
    public const int Length = 8;

    private uint _first;
}
