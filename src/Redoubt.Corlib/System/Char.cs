namespace System;

public readonly struct Char
{
    private readonly char _value;
}
