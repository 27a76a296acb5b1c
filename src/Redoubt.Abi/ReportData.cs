using System.Runtime.CompilerServices;

namespace Redoubt.Abi;

// 64 bytes chosen by the verifier (typically a nonce or a hash of one), bound into a report.
[InlineArray(Size)]
public struct ReportData
{
    public const int Size = 64;

    private byte _first;
}
