namespace System;

public readonly struct UInt16
{
    private readonly ushort _value;
}
