namespace System;

public class ArgumentOutOfRangeException : ArgumentException
{
    public ArgumentOutOfRangeException() { }
    public ArgumentOutOfRangeException(string? message) : base(message) { }
}
