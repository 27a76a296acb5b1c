namespace System;

public readonly struct Int64
{
    private readonly long _value;

    public const long MaxValue = 0x7fffffffffffffff;
    public const long MinValue = unchecked((long)0x8000000000000000);
}
