namespace System;

public class NotSupportedException : SystemException
{
    public NotSupportedException() { }
    public NotSupportedException(string? message) : base(message) { }
}
