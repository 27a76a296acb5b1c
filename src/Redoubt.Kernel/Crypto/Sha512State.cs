using System.Runtime.CompilerServices;

namespace Redoubt.Kernel.Crypto;

// The eight working words of SHA-512 and SHA-384 (H0..H7 in FIPS 180-4).
[InlineArray(Length)]
internal struct Sha512State
{
    public const int Length = 8;

    private ulong _first;
}
