namespace System;

public readonly unsafe struct UIntPtr
{
    private readonly void* _value;

    public UIntPtr(void* value) { _value = value; }
    public UIntPtr(ulong value) { _value = (void*)value; }

    public static nuint Zero => 0;
    public static int Size => sizeof(nuint);
}
