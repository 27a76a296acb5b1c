namespace System;

public class ArithmeticException : SystemException
{
    public ArithmeticException() { }
    public ArithmeticException(string? message) : base(message) { }
}
