using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace System.Runtime.InteropServices;

public static unsafe class MemoryMarshal
{
    public static ref T GetReference<T>(Span<T> span) => ref span._reference;

    public static ref T GetReference<T>(ReadOnlySpan<T> span) => ref span._reference;

    public static ref T GetArrayDataReference<T>(T[] array) =>
        ref Unsafe.As<byte, T>(ref Unsafe.As<RawArrayData>(array).Data);

    public static Span<T> CreateSpan<T>(ref T reference, int length) => new Span<T>(ref reference, length);

    public static ReadOnlySpan<T> CreateReadOnlySpan<T>(ref readonly T reference, int length) =>
        new ReadOnlySpan<T>(ref Unsafe.AsRef(in reference), length);

    public static Span<byte> AsBytes<T>(Span<T> span) where T : unmanaged =>
        new Span<byte>(ref Unsafe.As<T, byte>(ref span._reference), checked(span.Length * sizeof(T)));

    public static ReadOnlySpan<byte> AsBytes<T>(ReadOnlySpan<T> span) where T : unmanaged =>
        new ReadOnlySpan<byte>(ref Unsafe.As<T, byte>(ref span._reference), checked(span.Length * sizeof(T)));

    public static Span<TTo> Cast<TFrom, TTo>(Span<TFrom> span) where TFrom : unmanaged where TTo : unmanaged =>
        new Span<TTo>(ref Unsafe.As<TFrom, TTo>(ref span._reference), (int)((ulong)span.Length * (ulong)sizeof(TFrom) / (ulong)sizeof(TTo)));

    public static ReadOnlySpan<TTo> Cast<TFrom, TTo>(ReadOnlySpan<TFrom> span) where TFrom : unmanaged where TTo : unmanaged =>
        new ReadOnlySpan<TTo>(ref Unsafe.As<TFrom, TTo>(ref span._reference), (int)((ulong)span.Length * (ulong)sizeof(TFrom) / (ulong)sizeof(TTo)));

    public static ref T AsRef<T>(Span<byte> span) where T : unmanaged
    {
        if (sizeof(T) > (uint)span.Length)
            Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArgumentOutOfRangeException();
        return ref Unsafe.As<byte, T>(ref span._reference);
    }

    public static T Read<T>(ReadOnlySpan<byte> source) where T : unmanaged
    {
        if (sizeof(T) > (uint)source.Length)
            Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArgumentOutOfRangeException();
        return Unsafe.ReadUnaligned<T>(ref source._reference);
    }

    public static void Write<T>(Span<byte> destination, in T value) where T : unmanaged
    {
        if (sizeof(T) > (uint)destination.Length)
            Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArgumentOutOfRangeException();
        Unsafe.WriteUnaligned(ref destination._reference, value);
    }
}
