namespace System;

public readonly struct UInt32
{
    private readonly uint _value;

    public const uint MaxValue = 0xffffffff;
    public const uint MinValue = 0;
}
