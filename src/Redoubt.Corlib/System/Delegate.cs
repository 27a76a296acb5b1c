namespace System;

public abstract class Delegate
{
    // Field order is a contract with the compiler's generated invoke stubs:
    // the target is read at +8 and the code pointer at +32.
#pragma warning disable CS0649
    internal object? _target;
    internal object? _helperObject;
    internal nint _extraFunctionPointerOrData;
    internal nint _methodPtr;
#pragma warning restore CS0649

    // Called by compiler-generated delegate constructors for instance and static targets.
    private void InitializeClosedInstance(object firstParameter, nint functionPointer)
    {
        _methodPtr = functionPointer;
        _target = firstParameter;
    }

    private void InitializeOpenStaticThunk(object firstParameter, nint functionPointer, nint functionPointerThunk)
    {
        _methodPtr = functionPointerThunk;
        _extraFunctionPointerOrData = functionPointer;
        _target = this;
    }

    private void InitializeClosedStaticThunk(object firstParameter, nint functionPointer, nint functionPointerThunk)
    {
        _methodPtr = functionPointerThunk;
        _extraFunctionPointerOrData = functionPointer;
        _helperObject = firstParameter;
        _target = this;
    }

    private void InitializeClosedInstanceSlow(object firstParameter, nint functionPointer) =>
        InitializeClosedInstance(firstParameter, functionPointer);

    private void InitializeClosedInstanceToInterface(object firstParameter, nint dispatchCell) =>
        InitializeClosedInstance(firstParameter, dispatchCell);
}
