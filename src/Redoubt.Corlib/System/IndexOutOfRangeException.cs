namespace System;

public class IndexOutOfRangeException : SystemException
{
    public IndexOutOfRangeException() { }
    public IndexOutOfRangeException(string? message) : base(message) { }
}
