using System.Runtime.CompilerServices;

namespace Redoubt.Kernel.Crypto;

// The last 16 words of the SHA-256 message schedule: W[t] lives at t % 16, so the
// 64-word schedule never needs more room.
[InlineArray(Length)]
internal struct Sha256Schedule
{
    public const int Length = 16;

    private uint _first;
}
