namespace Redoubt.Kernel.X64.SelfTest;

internal sealed class Triangle : IShape
{
    private readonly ulong _base, _height;

    public Triangle(ulong baseLength, ulong height)
    {
        _base = baseLength;
        _height = height;
    }

    public ulong Area() => _base * _height / 2;

    public ulong Describe() => 7;
}
