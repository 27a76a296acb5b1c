using System.Collections.Generic;
using Redoubt.Kernel.Platform;

namespace Redoubt.Kernel.Host.Support;

// RAM below 256 MiB, the TPM's window and the HyperTransport window are off limits; every range
// asked about is recorded.
public readonly struct TestDecodePolicy : IDecodePolicy
{
    public const ulong RamEnd = 0x1000_0000;
    private static readonly (ulong First, ulong Last)[] s_kept = [(0, RamEnd - 1), (0xFED4_0000, 0xFED4_4FFF), (0xFD_0000_0000, 0xFF_FFFF_FFFF)];

    public TestDecodePolicy() => Asked = new List<(ulong, ulong)>();

    public List<(ulong First, ulong Last)> Asked { get; }

    public bool MayDecode(ulong first, ulong last)
    {
        Asked.Add((first, last));
        foreach ((ulong keptFirst, ulong keptLast) in s_kept)
        {
            if (first <= keptLast && keptFirst <= last)
                return false;
        }
        return true;
    }
}
