namespace System;

// Cold failure paths of the corlib's own members; every one ends in a panic.
internal static class ThrowHelper
{
    internal static void ThrowInvalidOperationException() =>
        Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowInvalidOperationException();

    internal static void ThrowIndexOutOfRangeException() =>
        Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowIndexOutOfRangeException();
}
