using System.Runtime.CompilerServices;

namespace Redoubt.Abi;

// A SHA-384 digest, inline in ABI structures.
[InlineArray(Size)]
public struct Digest384
{
    public const int Size = 48;

    private byte _first;
}
