namespace System;

public abstract class Array
{
    // Layout is a contract with the compiler: the element count follows the MethodTable pointer.
#pragma warning disable CS0649
    private readonly int _numComponents;
#pragma warning restore CS0649

    public int Length => _numComponents;
}
