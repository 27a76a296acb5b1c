namespace Redoubt.Kernel.X64.SelfTest;

// Its constructor reads the time stamp counter, so the compiler cannot pre-compute it: the
// class constructor must run at first use.
internal static class ClassConstructorProbe
{
    public static readonly ulong Value;
    public static readonly Square Shape;

    static ClassConstructorProbe()
    {
        Value = (Cpu.Cpu.ReadTsc() | 1) != 0 ? 42UL : 0UL;
        Shape = new Square(Value);
    }
}
