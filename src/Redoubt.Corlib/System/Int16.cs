namespace System;

public readonly struct Int16
{
    private readonly short _value;
}
