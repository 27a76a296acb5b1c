namespace System;

public readonly struct Boolean
{
    private readonly bool _value;
}
