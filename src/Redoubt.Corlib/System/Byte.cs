namespace System;

public readonly struct Byte
{
    private readonly byte _value;
}
