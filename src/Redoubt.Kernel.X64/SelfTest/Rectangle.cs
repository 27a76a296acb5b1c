namespace Redoubt.Kernel.X64.SelfTest;

internal sealed class Rectangle : Square
{
    private readonly ulong _width, _height;

    public Rectangle(ulong width, ulong height) : base(0)
    {
        _width = width;
        _height = height;
    }

    public override ulong Area() => _width * _height;
}
