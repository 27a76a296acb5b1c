using Internal.Runtime;

namespace System;

public class Object
{
    // Contract with the compiler: the first field of every object is its MethodTable pointer.
#pragma warning disable CS0649
    internal unsafe MethodTable* _methodTable;
#pragma warning restore CS0649

    public Object() { }

    public virtual bool Equals(object? obj) => ReferenceEquals(this, obj);

    public virtual int GetHashCode() => 0;

    public virtual string? ToString() => null;

    public static bool ReferenceEquals(object? objA, object? objB) => objA == objB;

    internal unsafe MethodTable* GetMethodTable() => _methodTable;
}
