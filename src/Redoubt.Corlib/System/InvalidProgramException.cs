namespace System;

public class InvalidProgramException : SystemException
{
    public InvalidProgramException() { }
    public InvalidProgramException(string? message) : base(message) { }
}
