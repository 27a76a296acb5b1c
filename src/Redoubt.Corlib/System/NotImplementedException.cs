namespace System;

public class NotImplementedException : SystemException
{
    public NotImplementedException() { }
    public NotImplementedException(string? message) : base(message) { }
}
