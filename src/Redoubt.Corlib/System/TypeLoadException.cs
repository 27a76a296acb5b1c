namespace System;

public class TypeLoadException : SystemException
{
    public TypeLoadException() { }
    public TypeLoadException(string? message) : base(message) { }
}
