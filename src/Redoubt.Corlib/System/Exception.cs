namespace System;

// No unwinding in the bare-metal images: a throw ends in a panic that prints Message.
public class Exception
{
    private readonly string? _message;

    public Exception() { }

    public Exception(string? message) { _message = message; }

    // As in .NET, never null; without the type name, which the images cannot look up.
    public virtual string Message => _message ?? "An exception was thrown.";
}
