namespace System;

public readonly unsafe struct IntPtr
{
    private readonly void* _value;

    public IntPtr(void* value) { _value = value; }
    public IntPtr(long value) { _value = (void*)value; }

    public static nint Zero => 0;
    public static int Size => sizeof(nint);
}
