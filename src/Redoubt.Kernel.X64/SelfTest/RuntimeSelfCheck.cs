using System;
using System.Runtime.CompilerServices;

namespace Redoubt.Kernel.X64.SelfTest;

// Proves at every boot that the runtime support in Redoubt.Corlib works in this image: class
// constructors, GC statics, boxing, casts, virtual and interface calls. Returns the name of the
// first check that failed, or an empty span.
internal static class RuntimeSelfCheck
{
    private static readonly IShape[] s_shapes = [new Square(3), new Rectangle(2, 5), new Triangle(4, 3)];

    public static ReadOnlySpan<byte> Run()
    {
        if (ClassConstructorProbe.Value != 42 || ClassConstructorProbe.Shape.Area() != 42 * 42)
            return "class constructor"u8;
        if (s_shapes.Length != 3 || s_shapes[0] is not Square)
            return "static data"u8;
        object boxed = Box(7);
        if (boxed is not int || (int)boxed != 7)
            return "boxing"u8;
        object rectangle = Opaque(new Rectangle(1, 1));
        if (rectangle is not Square || rectangle is not IShape || rectangle is Triangle || Opaque(new Unrelated()) is IShape)
            return "casts"u8;
        if (SumAreas(s_shapes) != 9 + 10 + 6)
            return "interface calls"u8;
        if (SumDescriptions(s_shapes) != 1009 + 1010 + 7)
            return "default interface methods"u8;
        return ReadOnlySpan<byte>.Empty;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static object Box(int value) => value;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static object Opaque(object value) => value;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong SumAreas(IShape[] shapes)
    {
        ulong sum = 0;
        foreach (IShape shape in shapes)
            sum += shape.Area();
        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong SumDescriptions(IShape[] shapes)
    {
        ulong sum = 0;
        foreach (IShape shape in shapes)
            sum += shape.Describe();
        return sum;
    }
}
