namespace System.Runtime.CompilerServices;

[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class UnsafeAccessorAttribute : Attribute
{
    public UnsafeAccessorAttribute(int kind) { }
}
