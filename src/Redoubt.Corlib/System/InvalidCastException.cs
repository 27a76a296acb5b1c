namespace System;

public class InvalidCastException : SystemException
{
    public InvalidCastException() { }
    public InvalidCastException(string? message) : base(message) { }
}
