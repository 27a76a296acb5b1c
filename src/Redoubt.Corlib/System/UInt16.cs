namespace System;

public readonly struct UInt16
{
    private readonly ushort _value;

    public const ushort MaxValue = 0xFFFF;
    public const ushort MinValue = 0;
}
