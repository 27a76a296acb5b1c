using System.Runtime.CompilerServices;

namespace Redoubt.Kernel.Crypto;

// The last 16 words of the SHA-512 message schedule: W[t] lives at t % 16, so the
// 80-word schedule never needs more room.
[InlineArray(Length)]
internal struct Sha512Schedule
{
    public const int Length = 16;

    private ulong _first;
}
