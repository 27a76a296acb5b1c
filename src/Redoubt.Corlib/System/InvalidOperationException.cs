namespace System;

public class InvalidOperationException : SystemException
{
    public InvalidOperationException() { }
    public InvalidOperationException(string? message) : base(message) { }
}
