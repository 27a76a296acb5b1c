namespace System;

public class ArrayTypeMismatchException : SystemException
{
    public ArrayTypeMismatchException() { }
    public ArrayTypeMismatchException(string? message) : base(message) { }
}
