namespace System;

public readonly struct Byte
{
    private readonly byte _value;

    public const byte MaxValue = 0xFF;
    public const byte MinValue = 0;
}
