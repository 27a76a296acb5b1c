namespace System;

public readonly struct UInt64
{
    private readonly ulong _value;

    public const ulong MaxValue = 0xffffffffffffffff;
    public const ulong MinValue = 0;
}
