namespace System;

public readonly struct SByte
{
    private readonly sbyte _value;
}
