namespace System.Runtime.CompilerServices;

// Every member is expanded by the compiler; the bodies never run.
public static unsafe class Unsafe
{
    [Intrinsic]
    public static ref TTo As<TFrom, TTo>(ref TFrom source) => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static T As<T>(object? o) where T : class? => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static ref T AsRef<T>(void* source) => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static ref T AsRef<T>(scoped ref readonly T source) => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static void* AsPointer<T>(ref readonly T value) => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static ref T Add<T>(ref T source, int elementOffset) => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static ref T Add<T>(ref T source, nint elementOffset) => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static ref T Add<T>(ref T source, nuint elementOffset) => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static ref T AddByteOffset<T>(ref T source, nint byteOffset) => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static ref T AddByteOffset<T>(ref T source, nuint byteOffset) => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static nint ByteOffset<T>(ref readonly T origin, ref readonly T target) => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static bool AreSame<T>(ref readonly T left, ref readonly T right) => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static bool IsAddressLessThan<T>(ref readonly T left, ref readonly T right) => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static int SizeOf<T>() => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static T ReadUnaligned<T>(ref readonly byte source) => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static void WriteUnaligned<T>(ref byte destination, T value) => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static T Read<T>(void* source) => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static void Write<T>(void* destination, T value) => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static ref T NullRef<T>() => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static bool IsNullRef<T>(ref readonly T source) => throw new PlatformNotSupportedException();

    [Intrinsic]
    public static void SkipInit<T>(out T value) => throw new PlatformNotSupportedException();
}
