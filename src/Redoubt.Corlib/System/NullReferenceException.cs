namespace System;

public class NullReferenceException : SystemException
{
    public NullReferenceException() { }
    public NullReferenceException(string? message) : base(message) { }
}
