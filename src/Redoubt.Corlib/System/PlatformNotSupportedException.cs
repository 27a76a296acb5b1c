namespace System;

public class PlatformNotSupportedException : NotSupportedException
{
    public PlatformNotSupportedException() { }
    public PlatformNotSupportedException(string? message) : base(message) { }
}
