namespace System;

public struct RuntimeTypeHandle
{
#pragma warning disable CS0649
    private nint _value;
#pragma warning restore CS0649
}
