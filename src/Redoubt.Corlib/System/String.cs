using System.Runtime.CompilerServices;

namespace System;

public sealed class String
{
    // Layout is a contract with the compiler: length, then the characters.
#pragma warning disable CS0649
    private readonly int _stringLength;
    private char _firstChar;
#pragma warning restore CS0649

    public static readonly string Empty = "";

    public int Length => _stringLength;

    [IndexerName("Chars")]
    public char this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_stringLength)
                ThrowHelper.ThrowIndexOutOfRangeException();
            return Unsafe.Add(ref _firstChar, index);
        }
    }

    public ref readonly char GetPinnableReference() => ref _firstChar;

    public static implicit operator ReadOnlySpan<char>(string? value) =>
        value is null ? default : new ReadOnlySpan<char>(ref value._firstChar, value._stringLength);
}
