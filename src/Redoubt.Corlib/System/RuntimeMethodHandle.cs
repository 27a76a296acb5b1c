namespace System;

public struct RuntimeMethodHandle
{
#pragma warning disable CS0649
    private nint _value;
#pragma warning restore CS0649
}
