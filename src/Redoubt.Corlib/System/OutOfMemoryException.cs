namespace System;

public class OutOfMemoryException : SystemException
{
    public OutOfMemoryException() { }
    public OutOfMemoryException(string? message) : base(message) { }
}
