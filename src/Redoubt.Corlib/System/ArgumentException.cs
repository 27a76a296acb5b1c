namespace System;

public class ArgumentException : SystemException
{
    public ArgumentException() { }
    public ArgumentException(string? message) : base(message) { }
}
