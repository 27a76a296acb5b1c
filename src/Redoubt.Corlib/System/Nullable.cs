namespace System;

public struct Nullable<T> where T : struct
{
    // Field order and names are a contract with the compiler's boxing helpers.
    private readonly bool hasValue;
    internal T value;

    public Nullable(T value)
    {
        this.value = value;
        hasValue = true;
    }

    public readonly bool HasValue => hasValue;

    public readonly T Value
    {
        get
        {
            if (!hasValue)
                ThrowHelper.ThrowInvalidOperationException();
            return value;
        }
    }

    public readonly T GetValueOrDefault() => value;

    public static implicit operator T?(T value) => new T?(value);

    public static explicit operator T(T? value) => value!.Value;
}
