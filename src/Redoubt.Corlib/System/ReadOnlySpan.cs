using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Internal.Runtime.CompilerHelpers;

namespace System;

public readonly ref struct ReadOnlySpan<T>
{
    internal readonly ref T _reference;
    private readonly int _length;

    public ReadOnlySpan(T[]? array)
    {
        if (array is null)
        {
            this = default;
            return;
        }
        _reference = ref MemoryMarshal.GetArrayDataReference(array);
        _length = array.Length;
    }

    public ReadOnlySpan(T[]? array, int start, int length)
    {
        if (array is null)
        {
            if (start != 0 || length != 0)
                ThrowHelpers.ThrowArgumentOutOfRangeException();
            this = default;
            return;
        }
        if ((ulong)(uint)start + (ulong)(uint)length > (ulong)(uint)array.Length)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        _reference = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), (nint)(uint)start);
        _length = length;
    }

    public unsafe ReadOnlySpan(void* pointer, int length)
    {
        if (length < 0)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        _reference = ref Unsafe.AsRef<T>(pointer);
        _length = length;
    }

    public ReadOnlySpan(ref readonly T reference)
    {
        _reference = ref Unsafe.AsRef(in reference);
        _length = 1;
    }

    internal ReadOnlySpan(ref T reference, int length)
    {
        _reference = ref reference;
        _length = length;
    }

    public ref readonly T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_length)
                ThrowHelpers.ThrowIndexOutOfRangeException();
            return ref Unsafe.Add(ref _reference, (nint)(uint)index);
        }
    }

    public int Length => _length;

    public bool IsEmpty => _length == 0;

    public static ReadOnlySpan<T> Empty => default;

    public ref readonly T GetPinnableReference() => ref _length != 0 ? ref _reference : ref Unsafe.NullRef<T>();

    public ReadOnlySpan<T> Slice(int start)
    {
        if ((uint)start > (uint)_length)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return new ReadOnlySpan<T>(ref Unsafe.Add(ref _reference, (nint)(uint)start), _length - start);
    }

    public ReadOnlySpan<T> Slice(int start, int length)
    {
        if ((ulong)(uint)start + (ulong)(uint)length > (ulong)(uint)_length)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return new ReadOnlySpan<T>(ref Unsafe.Add(ref _reference, (nint)(uint)start), length);
    }

    public void CopyTo(Span<T> destination)
    {
        if ((uint)_length > (uint)destination.Length)
            ThrowHelpers.ThrowArgumentException();
        // Overlap-safe: copy backwards when the destination starts inside the source.
        ref T source = ref _reference;
        ref T target = ref destination._reference;
        if (Unsafe.IsAddressLessThan(ref source, ref target))
        {
            for (int i = _length - 1; i >= 0; i--)
                Unsafe.Add(ref target, i) = Unsafe.Add(ref source, i);
        }
        else
        {
            for (int i = 0; i < _length; i++)
                Unsafe.Add(ref target, i) = Unsafe.Add(ref source, i);
        }
    }

    public bool TryCopyTo(Span<T> destination)
    {
        if ((uint)_length > (uint)destination.Length)
            return false;
        CopyTo(destination);
        return true;
    }

    public Enumerator GetEnumerator() => new Enumerator(this);

    public static implicit operator ReadOnlySpan<T>(T[]? array) => new ReadOnlySpan<T>(array);

    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<T> _span;
        private int _index;

        internal Enumerator(ReadOnlySpan<T> span)
        {
            _span = span;
            _index = -1;
        }

        public bool MoveNext()
        {
            int index = _index + 1;
            if (index >= _span.Length)
                return false;
            _index = index;
            return true;
        }

        public ref readonly T Current => ref _span[_index];
    }
}
