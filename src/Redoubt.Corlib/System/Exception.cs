namespace System;

// No unwinding in the bare-metal images: a throw ends in a panic that prints Message.
public class Exception
{
    public Exception() { }
    public Exception(string? message) { Message = message; }

    public virtual string? Message { get; }
}
