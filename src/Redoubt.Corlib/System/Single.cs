namespace System;

public readonly struct Single
{
    private readonly float _value;
}
