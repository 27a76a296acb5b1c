namespace Redoubt.Kernel.X64.SelfTest;

internal class Square : IShape
{
    private readonly ulong _side;

    public Square(ulong side) { _side = side; }

    public virtual ulong Area() => _side * _side;
}
