namespace System;

public static class Buffer
{
    // Bound by name by the compiler for copies of reference-containing data. There is no
    // collector, so no barrier: a plain overlap-safe move.
    internal static void BulkMoveWithWriteBarrier(ref byte destination, ref byte source, nuint byteCount) =>
        SpanHelpers.Memmove(ref destination, ref source, byteCount);
}
